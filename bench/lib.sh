# Shared by the benchmark scripts that start a server (source it after
# setting $vinledger): the machine line every output starts with, and one
# `vinledger serve` at a time on 127.0.0.1 with an ephemeral port.

# One line: cores, CPU model, memory and load, so that a figure says where
# it was measured.
machine_line() {
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

server_pid=
url=
# serve_ledger DB URL_FILE LOG_FILE [SERVE_OPTION...]: starts `vinledger
# serve` on DB and waits for the URL it prints; sets server_pid and url.
serve_ledger() {
  local db=$1 url_file=$2 log=$3
  shift 3
  "$vinledger" --db "$db" serve --listen 127.0.0.1:0 "$@" >"$url_file" 2>"$log" &
  server_pid=$!
  for _ in $(seq 200); do [[ -s $url_file ]] && break; sleep 0.05; done
  if [[ ! -s $url_file ]]; then
    echo "vinledger serve did not start: $(tail -3 "$log")" >&2
    return 1
  fi
  url=$(head -1 "$url_file")
}

# Stops the server serve_ledger started (SIGTERM: it finishes what is in
# flight) and waits for it.
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" || true
  server_pid=
}
