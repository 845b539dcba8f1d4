// Typed access, from test files, to what test/setup/global-setup.ts provides.
import { inject } from 'vitest';
import type { LabDescription } from '../../scripts/lib/tls-lab.mjs';

export type {
  LabCerts,
  LabDescription,
  LabServer,
  LabServerName,
} from '../../scripts/lib/tls-lab.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The running TLS lab: certificate paths, servers (ports, PIDs), passwords. */
    lab: LabDescription;
  }
}

/** The lab started by the global setup (certificates and running redis-server processes). */
export function lab(): LabDescription {
  return inject('lab');
}
