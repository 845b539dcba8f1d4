/**
 * Shared types of the output formatters. The mode names are redis-cli's flags: `tty` is
 * OUTPUT_STANDARD (`--no-raw`, or stdout is a terminal), `raw` is `--raw` (or stdout is not a
 * terminal), `csv` is `--csv`, `json` is `--json`, `quoted-json` is `--quoted-json`.
 */
export type OutputMode = 'tty' | 'raw' | 'csv' | 'json' | 'quoted-json';

/** How `formatReply` renders a reply. */
export interface FormatOptions {
  /** Output mode (see `OutputMode`). */
  mode: OutputMode;
  /** `-d`: written between the elements of an aggregate in raw mode. redis-cli's default is `"\n"`. */
  mbDelim: string;
  /** `-D`: written after every reply in raw mode. redis-cli's default is `"\n"`. */
  cmdDelim: string;
}
