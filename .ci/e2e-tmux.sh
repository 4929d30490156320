#!/usr/bin/env bash
# End-to-end test of the terminal app, driven through tmux: builds lazyforce,
# starts `lazyforce demo` in a detached 120x40 tmux session, visits every
# pane, opens an account and an opportunity, checks the screen text at each
# step, and quits with q (then checks the process exited).
#
# Usage: .ci/e2e-tmux.sh            (needs tmux; installs it with apt-get if
#                                    missing and running as root)
# Only passes once `lazyforce demo` opens the TUI (main.go wiring).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		# A clean machine has no package lists yet: update them first.
		apt-get update -qq >/dev/null && apt-get install -y -qq tmux >/dev/null
	else
		echo "e2e-tmux: tmux is required" >&2
		exit 1
	fi
fi

work=$(mktemp -d)
bin="$work/lazyforce"
session="lazyforce-e2e-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$bin" .
export LAZYFORCE_HOME="$work/home"
mkdir -p "$LAZYFORCE_HOME"

# remain-on-exit keeps the pane after the app ends, so we can check how.
tmux new-session -d -s "$session" -x 120 -y 40 "TERM=xterm-256color $bin demo; echo \"[exit \$?]\"; sleep 30"

screen() { tmux capture-pane -p -t "$session"; }

# wait_for TEXT...: waits up to 20 s until the screen shows every TEXT.
wait_for() {
	local i t ok
	for i in $(seq 1 100); do
		ok=1
		for t in "$@"; do
			if ! screen | grep -qF -- "$t"; then ok=0; break; fi
		done
		if [ "$ok" = 1 ]; then return 0; fi
		sleep 0.2
	done
	echo "e2e-tmux: FAIL: the screen never showed: $*" >&2
	echo "---- last screen ----" >&2
	screen >&2
	exit 1
}

send() { tmux send-keys -t "$session" "$@"; }

# esc sends Escape and pauses: a key sent right after ESC would reach the
# app as alt+key, as it would from a person typing that fast.
esc() {
	tmux send-keys -t "$session" Escape
	sleep 0.3
}

step() { echo "e2e-tmux: $*"; }

step "start: the accounts pane from the cache"
wait_for "1 Accounts" "2 Opportunities" "3 Pipeline" "4 Ask" "sorted by Name"

step "2: opportunities table"
send 2
wait_for "Opportunities" "Prob." "Close▲"

step "quick filter: mine"
send m
wait_for "mine"
send m

step "3: pipeline board and chart"
send 3
wait_for "Pipeline" "Open pipeline by stage"

step "4: ask pane"
send 4
wait_for "not available yet"

step "6: contacts, enter opens one with its activity"
send 6
wait_for "6 Contacts" "Contacts" "sorted by Name"
send Enter
wait_for "Contact ·" "Activity ("
esc

step "7: open leads with status, source and age"
send 7
wait_for "7 Leads" "open · sorted by Name" "Source" "Age"
send Enter
wait_for "Lead ·" "Lead source" "Activity ("
esc

step "tab cycles back to accounts"
send Tab
wait_for "sorted by Name"

step "filter accounts with /"
send /
send -l "a"
wait_for "sorted by relevance"
send Enter
esc
wait_for "sorted by Name"

step "enter opens an account: fields, contacts, opportunities, activity"
send Enter
wait_for "Account ·" "Contacts (" "Opportunities (" "Activity ("

step "C lists the account's contacts; 1 goes back to its page"
send C
wait_for "Contacts of" "sorted by Name"
send 1
wait_for "Account ·" "Contacts ("

step "esc goes back, never quits"
esc
wait_for "sorted by Name"
esc
wait_for "sorted by Name"

step "open an opportunity: contact roles and activity"
send 2
send Enter
wait_for "Opportunity ·" "Contact roles (" "Activity ("
esc
wait_for "Prob."

step "? shows the help"
send "?"
wait_for "Keys · Opportunities" "Everywhere"
esc

step "q quits"
send q
wait_for "[exit 0]"
step "PASS"
