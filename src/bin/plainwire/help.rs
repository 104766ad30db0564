//! The `--help` text: one line per option, in the order of their long names, then globs and
//! where default options come from. It says what each option does, not how.

/// The help text printed for `-h`/`--help`.
pub const HELP: &str = "\
Usage: plainwire [options...] <url>...
     --basic                  Use HTTP Basic authentication (the default)
     --cacert <file>          CA certificates (PEM) to verify the server with
     --capath <dir>           Directory of CA certificate (PEM) files
 -E, --cert <file>            Client certificate (PEM chain, may include key)
     --cert-type <type>       Client certificate type: PEM (the only one)
 -K, --config <file>          Read options from <file> ('-' for stdin)
     --connect-timeout <secs> Maximum time allowed to connect (fractions ok)
 -b, --cookie <data>          Send cookies: 'NAME=VALUE; NAME2=VALUE2'
     --create-dirs            Create the directories an output file needs
 -d, --data <data>            HTTP POST data; '@FILE' reads a file, '@-' stdin
     --data-ascii <data>      HTTP POST ASCII data (the same as --data)
     --data-binary <data>     HTTP POST binary data; '@FILE' keeps CR and LF
     --data-raw <data>        HTTP POST data, '@' allowed
     --data-urlencode <data>  POST URL-encoded data: [name=]text, [name]@file
 -q, --disable                Do not read the plainwirerc file (must be first)
 -D, --dump-header <file>     Write the received headers to <file> ('-': stdout)
 -f, --fail                   Fail fast with no output on HTTP errors (exit 22)
     --fail-early             Stop at the first transfer that fails
     --fail-with-body         Fail on HTTP errors (exit 22) but save the body
 -G, --get                    Put the -d data in the URL and use GET
 -g, --globoff                Do not expand {} and [] in URLs
 -I, --head                   Show document info only (HEAD request)
 -H, --header <header>        'Name: value'; 'Name;' empty; 'Name:' none; @FILE
 -h, --help                   Show this help and exit
     --http1.1                Use HTTP/1.1 (the only version plainwire speaks)
 -i, --include                Include the response headers (every hop with -L)
 -k, --insecure               Allow insecure server connections
     --json <data>            HTTP POST JSON; '@FILE' reads a file, '@-' stdin
     --key <file>             Client private key (PEM)
 -L, --location               Follow redirects
     --max-filesize <bytes>   Maximum body size to accept (k, m, g suffixes)
     --max-redirs <num>       Maximum number of redirects with -L (default 10)
 -m, --max-time <secs>        Maximum time allowed for the transfer
 -:, --next                   Start a new group of URLs and options
 -N, --no-buffer              Write output as it arrives (always the case)
     --no-keepalive           Accepted; plainwire sends no TCP keepalive probes
     --no-progress-meter      Do not show the progress meter
     --oauth2-bearer <token>  OAuth 2 Bearer Token
 -o, --output <file>          Write to <file> ('#1': a glob's text; '-': stdout)
     --output-dir <dir>       Directory to save -o and -O files in
 -Z, --parallel               Perform transfers in parallel
     --parallel-max <num>     Maximum transfers at once with -Z (default 50)
 -#, --progress-bar           Display transfer progress as a bar
     --proto <list>           Enable/disable protocols: '=https', '-all,https'
 -x, --proxy <url>            Use this proxy
 -e, --referer <url>          Send Referer <url>
 -J, --remote-header-name     Use the Content-Disposition filename with -O
 -O, --remote-name            Write output to a file named as the remote file
     --remote-name-all        Use the remote file name for all URLs
     --remove-on-error        Remove the output file when the transfer fails
 -X, --request <method>       Specify request method to use
 -S, --show-error             Show error even when -s is used
 -s, --silent                 Silent mode
     --ssl-no-revoke          Accepted; revocation is not checked
     --stderr <file>          Where to redirect stderr ('-' for stdout)
     --url <url>              URL to work with
     --url-query <data>       Add URL-encoded query data ('+' keeps it as is)
     --trace <file>           Dump all data in hex and text ('-': stdout)
     --trace-ascii <file>     Like --trace, without the hex ('-': stdout)
     --trace-time             Add the time (UTC) to each -v and trace line
 -u, --user <user:password>   Server user and password
 -A, --user-agent <name>      Send User-Agent <name> ('' sends none)
 -v, --verbose                Make the operation more talkative
 -V, --version                Show version number and exit
 -w, --write-out <format>     Output <format> after completion ('@FILE', '@-')

URLs may hold globs, {a,b} sets and [1-9], [01-10], [a-z], [0-9:2] ranges (-g:
off); '#1' in an -o name is the first glob's text. No scheme means http://.

Default options come from $XDG_CONFIG_HOME/plainwire/plainwirerc or else
~/.plainwirerc, in curl's config file syntax (as -K reads), unless -q is the
first argument. curl's own ~/.curlrc is never read.
";
