/** `--help` text: redis-cli 7.0.15's, for the options tredis-cli has, plus its own. */
import { REDIS_CLI_VERSION, TREDIS_VERSION } from '../version.js';

export function versionLine(): string {
  return `redis-cli ${REDIS_CLI_VERSION} (tredis-cli ${TREDIS_VERSION})\n`;
}

export function usageText(): string {
  return `tredis-cli ${TREDIS_VERSION} (redis-cli ${REDIS_CLI_VERSION} compatible)

Usage: tredis-cli [OPTIONS] [cmd [arg [arg ...]]]
  -h <hostname>      Server hostname (default: 127.0.0.1).
  -p <port>          Server port (default: 6379).
  -s <socket>        Server socket (overrides hostname and port).
  -a <password>      Password to use when connecting to the server.
                     You can also use the REDISCLI_AUTH environment
                     variable to pass this password more safely
                     (if both are used, this argument takes precedence).
  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
  --pass <password>  Alias of -a for consistency with the new --user option.
  --askpass          Force user to input password with mask from STDIN.
                     If this argument is used, '-a' and REDISCLI_AUTH
                     environment variable will be ignored.
  -u <uri>           Server URI: redis[s]://[[user]:[password]@]host[:port][/db]
  -t <timeout>       Connect timeout in seconds, for the whole connect: name
                     resolution, TCP, TLS, AUTH (decimals allowed; default: 10).
  --reply-timeout <s> Longest wait for a reply in seconds, on top of what a
                     blocking command asks for (default: wait forever).
  -r <repeat>        Execute specified command N times.
  -i <interval>      When -r is used, waits <interval> seconds per command.
                     It is possible to specify sub-second times like -i 0.1.
  -n <db>            Database number.
  -2                 Start session in RESP2 protocol mode.
  -3                 Start session in RESP3 protocol mode.
  -x                 Read last argument from STDIN (see example below).
  -X                 Read <tag> argument from STDIN (see example below).
  -d <delimiter>     Delimiter between response bulks for raw formatting (default: \\n).
  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).
  -c                 Enable cluster mode (follow -ASK and -MOVED redirections).
  -e                 Return exit error code when command execution fails.
  --tls              Establish a secure TLS connection.
  --sni <host>       Server name indication for TLS (default: the -h name;
                     none for an IP address).
  --cacert <file>    CA Certificate file to verify with.
  --cacertdir <dir>  Directory where trusted CA certificates are stored (every
                     PEM file in it is read; no c_rehash needed).
                     If neither cacert nor cacertdir are specified, the default
                     system-wide trusted root certs configuration will apply.
  --insecure         Allow insecure TLS connection by skipping cert validation.
  --no-verify-hostname
                     Verify the certificate chain but not the host name
                     (tredis-cli checks the name by default; redis-cli never does).
  --cert <file>      Client certificate to authenticate with.
  --key <file>       Private key file to authenticate with.
  --key-pass-env <var>
                     Read the passphrase of an encrypted --key (or --p12) from
                     environment variable <var>; otherwise asked on a terminal.
  --p12 <file>       PKCS#12 bundle holding the client certificate and key.
  --tls-ciphers <list> Sets the list of preferred ciphers (TLSv1.2 and below)
                     in order of preference from highest to lowest separated by colon (":").
  --tls-ciphersuites <list> Sets the list of preferred ciphersuites (TLSv1.3)
                     in order of preference from highest to lowest separated by colon (":").
  --tls-min-version <v>, --tls-max-version <v>
                     Lowest/highest TLS version to use: 1.2 or 1.3.
  --tls-groups <list> Key exchange groups, colon separated (e.g. X25519:P-256).
  --tls-keylog <file> Append TLS secrets to <file> in NSS key log format (for
                     Wireshark); SSLKEYLOGFILE does the same.
  --pin-sha256 <b64> Require the server key's SHA-256 SPKI hash (base64);
                     repeat or separate with commas for backups.
  --show-handshake[=json]
                     Print what the connection negotiated (timings, protocol,
                     cipher, certificate chain, identity check) on stderr.
  --raw              Use raw formatting for replies (default when STDOUT is
                     not a tty).
  --no-raw           Force formatted output even when STDOUT is not a tty.
  --quoted-input     Force input to be handled as quoted strings.
  --csv              Output in CSV format.
  --json             Output in JSON format (default RESP3, use -2 if you want to use with RESP2).
  --quoted-json      Same as --json, but produce ASCII-safe quoted strings, not Unicode.
  --show-pushes <yn> Whether to print RESP3 PUSH messages.  Enabled by default when
                     STDOUT is a tty but can be overridden with --show-pushes no.
  --stat             Print rolling stats about server: mem, clients, ...
  --latency          Enter a special mode continuously sampling latency.
                     If you use this mode in an interactive session it runs
                     forever displaying real-time stats. Otherwise if --raw or
                     --csv is specified, or if you redirect the output to a non
                     TTY, it samples the latency for 1 second (you can use
                     -i to change the interval), then produces a single output
                     and exits.
  --latency-history  Like --latency but tracking latency changes over time.
                     Default time interval is 15 sec. Change it using -i.
  --latency-dist     Shows latency as a spectrum, requires xterm 256 colors.
                     Default time interval is 1 sec. Change it using -i.
  --mono             With --latency-dist: a grey palette instead of colours.
  -4, -6             Prefer IPv4 / IPv6 addresses when the host name resolves to both.
  --replica          Simulate a replica showing commands received from the master.
  --rdb <filename>   Transfer an RDB dump from remote server to local file.
                     Use filename of "-" to write to stdout.
 --functions-rdb <filename> Like --rdb but only get the functions (not the keys)
                     when getting the RDB dump file.
  --pipe             Transfer raw Redis protocol from stdin to server.
  --pipe-timeout <n> In --pipe mode, abort with error if after sending all data.
                     no reply is received within <n> seconds.
                     Default timeout: 30. Use 0 to wait forever.
  --bigkeys          Sample Redis keys looking for keys with many elements (complexity).
  --memkeys          Sample Redis keys looking for keys consuming a lot of memory.
  --memkeys-samples <n> Sample Redis keys looking for keys consuming a lot of memory.
                     And define number of key elements to sample
  --hotkeys          Sample Redis keys looking for hot keys.
                     only works when maxmemory-policy is *lfu.
  --keystats         Sample Redis keys looking for keys memory size and length (combine bigkeys and memkeys).
  --keystats-samples <n> Sample Redis keys looking for keys memory size and length.
                     And define number of key elements to sample (only for memory usage).
  --top <n>          Display top <n> key sizes (default: 10).
                     Optionally used with --keystats and --keystats-samples.
  --scan             List all keys using the SCAN command.
  --pattern <pat>    Keys pattern when using the --scan, --bigkeys or --hotkeys
                     options (default: *).
  --quoted-pattern <pat> Same as --pattern, but the specified string can be
                         quoted, in order to pass an otherwise non binary-safe string.
  --count <count>    Count option when using the --scan, --bigkeys or --hotkeys (default: 10).
  --type <type>      Only keys of this type when using --scan.
  --cursor <n>       Start the scan at the cursor <n> (--scan and --keystats).
  --intrinsic-latency <sec> Run a test to measure intrinsic system latency.
                     The test will run for the specified amount of seconds.
  --no-confirm       Do not ask before dangerous commands in the interactive mode.
  --eval <file>      Send an EVAL command using the Lua script at <file>.
  --ldb              Used with --eval enable the Redis Lua debugger.
  --ldb-sync-mode    Like --ldb but uses the synchronous Lua debugger, in
                     this mode the server is blocked and script changes are
                     not rolled back from the server memory.
  --verbose          Verbose mode.
  --no-auth-warning  Don't show warning message when using password on command
                     line interface.
  --help             Output this help and exit.
  --version          Output version and exit.

Examples:
  cat /etc/passwd | tredis-cli -x set mypasswd
  tredis-cli -D "" --raw dump key > key.dump && tredis-cli -X dump_tag restore key2 0 dump_tag replace < key.dump
  tredis-cli -r 100 lpush mylist x
  tredis-cli -r 100 -i 1 info | grep used_memory_human:
  tredis-cli --quoted-input set '"null-\\x00-separated"' value
  tredis-cli --scan --pattern '*:12345*'
  tredis-cli --tls --cacert ca.crt --cert client.crt --key client.key -h redis.example.com -p 6380 ping
  tredis-cli -u rediss://default:secret@redis.example.com:6380/0 --show-handshake ping

When no command is given, tredis-cli starts in interactive mode.
Type "help" in interactive mode for information on available commands
and settings.

`;
}
