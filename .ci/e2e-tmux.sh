#!/usr/bin/env bash
# End-to-end test of the terminal app, driven through tmux: builds lazyforce,
# starts `lazyforce demo` in a detached 120x40 tmux session, visits every
# pane, opens an account and an opportunity, changes an opportunity's stage
# with s and logs a call with c (the app pushes both to the demo org at
# once; a sync reads them back and the outbox lists them sent), checks the
# screen text at each step, and quits with q (then checks the process
# exited).
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

# wait_in SESSION WHAT TEXT...: waits up to 20 s until the screen of the
# tmux session SESSION shows every TEXT; WHAT names that screen on failure.
wait_in() {
	local s=$1 what=$2 i t ok
	shift 2
	for i in $(seq 1 100); do
		ok=1
		for t in "$@"; do
			if ! tmux capture-pane -p -t "$s" | grep -qF -- "$t"; then ok=0; break; fi
		done
		if [ "$ok" = 1 ]; then return 0; fi
		sleep 0.2
	done
	echo "e2e-tmux: FAIL: $what never showed: $*" >&2
	echo "---- last screen ----" >&2
	tmux capture-pane -p -t "$s" >&2
	exit 1
}

# wait_for TEXT...: wait_in on the demo session.
wait_for() { wait_in "$session" "the screen" "$@"; }

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

# board_labels: the stage labels of the columns on screen, one a line (the
# line under the columns' top border).
board_labels() {
	screen | awk '/╭/ { getline; print; exit }' | tr -s '│' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^$' || true
}
# board_window: the header's "FIRST–LAST/TOTAL", "" when every column shows.
board_window() { screen | grep -o 'stages [0-9]*–[0-9]*/[0-9]*' | head -1 | sed 's/^stages //' || true; }

# expect_board WINDOW [FIRST]: waits up to 10 s until the header names the
# window FIRST–LAST/TOTAL and the board shows LAST-FIRST+1 columns, the
# first labelled FIRST (when given). A header one step behind the columns
# never passes.
expect_board() {
	local want=$1 first=${2-} i win from to n labels
	for i in $(seq 1 50); do
		win=$(board_window)
		labels=$(board_labels)
		if [ "$win" = "$want" ] && { [ -z "$first" ] || [ "$(printf '%s\n' "$labels" | head -1)" = "$first" ]; }; then
			from=${win%%–*}
			to=${win#*–}
			to=${to%%/*}
			n=$(printf '%s\n' "$labels" | wc -l)
			if [ "$n" -eq $((to - from + 1)) ]; then return 0; fi
		fi
		sleep 0.2
	done
	echo "e2e-tmux: FAIL: want the header to say stages $want over columns from '$first'; it says '$win' over:" >&2
	printf '%s\n' "$labels" >&2
	echo "---- last screen ----" >&2
	screen >&2
	exit 1
}

step "pipeline: the header names the columns shown, going right and left"
win=$(board_window)
if [ -z "$win" ]; then
	echo "e2e-tmux: FAIL: the demo's sales process should be wider than 120 columns" >&2
	screen >&2
	exit 1
fi
total=${win#*/}
mapfile -t stages < <(board_labels)
expect_board "1–${#stages[@]}/$total" "${stages[0]}"
for _ in 1 2 3 4 5; do send l; done
expect_board "2–$((${#stages[@]} + 1))/$total" "${stages[1]}"
for _ in 1 2 3 4 5; do send h; done
expect_board "1–${#stages[@]}/$total" "${stages[0]}"
for _ in $(seq 2 "$total"); do send l; done
expect_board "$((total - ${#stages[@]} + 1))–$total/$total"
last_stage=$(board_labels | tail -1)
send T
wait_for "Pipeline Renewal"
win=$(board_window)
if [ -n "$win" ]; then
	expect_board "1–${win#*–}"
fi
send T
wait_for "Pipeline New Business"
expect_board "1–${#stages[@]}/$total" "${stages[0]}"

step "opportunities: a sorted column keeps its arrow; Stage sorts in sales-process order"
send 2
wait_for "Close▲"
send ">" ">"
wait_for "Prob▲"
send "<" "<" "<" "<"
wait_for "Stage▲"
send x x
wait_for "open+closed"
# rows: the table's rows (the lines under its header).
rows() {
	local header
	header=$(screen | grep -nE 'Stage(▲|▼)' | head -1 | cut -d: -f1)
	screen | tail -n +$((${header:-0} + 1)) | grep -E '[0-9]{4}-[0-9]{2}-[0-9]{2}' || true
}
first_row=$(rows | head -1)
case "$first_row" in
*"${stages[0]}"*) ;;
*)
	echo "e2e-tmux: FAIL: sorted by Stage, the first row should be in the first stage of the board (${stages[0]}): $first_row" >&2
	screen >&2
	exit 1
	;;
esac
# Inside a stage, by close date.
dates=$(rows | grep -F -- "${stages[0]}" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}')
if [ "$dates" != "$(printf '%s\n' "$dates" | sort)" ]; then
	echo "e2e-tmux: FAIL: rows of ${stages[0]} are not by close date:" >&2
	rows >&2
	exit 1
fi
send -- -
wait_for "Stage▼"
case "$(rows | head -1)" in
*"$last_stage"*) ;;
*)
	echo "e2e-tmux: FAIL: sorted by Stage descending, the first row should be in the last stage of the board ($last_stage)" >&2
	screen >&2
	exit 1
	;;
esac
send -- -
send x
wait_for "✓ open "
send ">" ">"
wait_for "Close▲"

step "4: ask pane answers a question from the cache, and SOQL"
send 4
wait_for "press / to ask"
send /
send -l "how many open opportunities do I have"
send Enter
wait_for "open opportunit" "Source: local cache"
send /
send C-u
send -l "SELECT Name FROM Account LIMIT 3"
send Enter
wait_for "3 rows" "from the cache"

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

step "s changes the selected opportunity's stage; the org takes it at once"
send s
wait_for "Stage ·" "• current" "enter pick"
# picker_stages: the picker's stages in order, one a line, the current one
# suffixed with " *".
picker_stages() {
	screen | grep -oE '│ [ ›] +[^│]*[0-9]+%[^│]*│' | sed -E 's/^│ [ ›] +//; s/ +│$//' |
		sed -E 's/^(.*[^ ]) {2,}[0-9]+%(.*)$/\1\t\2/' |
		awk -F'\t' '{ if ($2 ~ /current/) print $1 " *"; else print $1 }'
}
mapfile -t picked < <(picker_stages)
cur=-1
for i in "${!picked[@]}"; do
	case "${picked[$i]}" in *" *") cur=$i ;; esac
done
if [ "$cur" -lt 0 ]; then
	echo "e2e-tmux: FAIL: the picker marks no current stage" >&2
	screen >&2
	exit 1
fi
# The stage before the current one (open, like it), else the one after.
if [ "$cur" -gt 0 ]; then
	target=${picked[$((cur - 1))]}
	send Up
else
	target=${picked[$((cur + 1))]}
	send Down
fi
send Enter
wait_for "stage → $target · sent"

step "c logs a call on it; the org takes it at once"
send c
wait_for "Log a call ·" "ctrl+s save"
send C-s
wait_for "call logged · sent"

step "the org has both: a sync reads them back; the outbox says sent"
send r
send Enter
wait_for "Opportunity ·" "$target" "✓ sent · Call"
esc
wait_for "Prob."
send :
send -l "outbox"
send Enter
wait_for "Outbox" "0 pending · 0 failed · 0 conflict" "✓ sent" "update Opportunity" "create Task"
if screen | grep -qE '(↑ pending|✗ failed|≠ conflict) '; then
	echo "e2e-tmux: FAIL: the outbox holds unsent writes" >&2
	screen >&2
	exit 1
fi
esc
wait_for "Prob."

step "? shows the help"
send "?"
wait_for "Keys · Opportunities" "Everywhere"
esc

step "q quits"
send q
wait_for "[exit 0]"

# ---- records (issue 15): walk from an account to one of its opportunities,
# edit its close date with e, come back with esc, check the org. It runs its
# own session over `lazyforce demo --serve`, so the org can be asked after.
step "records: serve the demo org and sync it into a separate home"
rec_session="$session-records"
rec_home="$work/records-home"
mkdir -p "$rec_home"
"$bin" demo --serve 127.0.0.1:0 >"$work/serve.json" 2>"$work/serve.err" &
rec_serve=$!
rec_cleanup() {
	tmux kill-session -t "$rec_session" 2>/dev/null || true
	kill "$rec_serve" 2>/dev/null || true
}
trap 'rec_cleanup; cleanup' EXIT
for _ in $(seq 1 100); do
	if [ -s "$work/serve.json" ]; then break; fi
	sleep 0.2
done
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$work/serve.json" | head -1; }
LAZYFORCE_HOME="$rec_home" "$bin" login --instance-url "$(json_field instance_url)" --access-token "$(json_field access_token)" --alias e2e >/dev/null
LAZYFORCE_HOME="$rec_home" "$bin" sync >/dev/null
# An open opportunity and its account, from the cache.
rec_row=$(LAZYFORCE_HOME="$rec_home" "$bin" query --json "SELECT Id, Name, Account.Name FROM Opportunity WHERE IsClosed = false AND AccountId != null ORDER BY Name LIMIT 1")
rec_opp=$(printf '%s' "$rec_row" | sed -n 's/.*"Id":"\([^"]*\)".*/\1/p')
rec_opp_name=$(printf '%s' "$rec_row" | sed -n 's/.*"Id":"[^"]*","Name":"\([^"]*\)".*/\1/p')
rec_acct=$(printf '%s' "$rec_row" | sed -n 's/.*"Account":{[^}]*}[^}]*,"Name":"\([^"]*\)".*/\1/p')
if [ -z "$rec_opp" ] || [ -z "$rec_opp_name" ] || [ -z "$rec_acct" ]; then
	echo "e2e-tmux: FAIL: no open opportunity with an account in the cache: $rec_row" >&2
	exit 1
fi
tmux new-session -d -s "$rec_session" -x 120 -y 40 "TERM=xterm-256color LAZYFORCE_HOME=$rec_home $bin; echo \"[exit \$?]\"; sleep 30"
rscreen() { tmux capture-pane -p -t "$rec_session"; }
rsend() { tmux send-keys -t "$rec_session" "$@"; }
resc() {
	tmux send-keys -t "$rec_session" Escape
	sleep 0.3
}
# rwait TEXT...: wait_in on the records session.
rwait() { wait_in "$rec_session" "the records session" "$@"; }
# selected: the detail's selected row (drawn with ▌).
selected() { rscreen | grep -F '▌' | head -1 || true; }
# rwait_selected TEXT: wait until the selected row shows TEXT (a list's
# filter and sort are applied off the event loop: a key sent before they
# land would act on the row selected before them).
rwait_selected() {
	local i
	for i in $(seq 1 100); do
		if selected | grep -qF -- "$1"; then return 0; fi
		sleep 0.2
	done
	echo "e2e-tmux: FAIL: the records session never selected $1: $(selected)" >&2
	rscreen >&2
	exit 1
}

step "records: open the account $rec_acct"
rwait "sorted by Name"
rsend /
rsend -l "$rec_acct"
rwait "sorted by relevance"
rwait_selected "$rec_acct"
rsend Enter
rwait_selected "$rec_acct"
rsend Enter
rwait "Account · $rec_acct" "Opportunities ("

step "records: ] moves onto the opportunity, enter opens it"
found=0
for _ in $(seq 1 80); do
	rsend "]"
	sleep 0.1
	if selected | grep -qF -- "${rec_opp_name:0:40}"; then found=1; break; fi
done
if [ "$found" != 1 ]; then
	echo "e2e-tmux: FAIL: ] never selected $rec_opp_name" >&2
	rscreen >&2
	exit 1
fi
rsend Enter
rwait "Opportunity · $rec_opp_name" "Close date"

step "records: e edits the close date"
rsend e
rwait "Edit Opportunity"
for _ in $(seq 1 40); do
	if rscreen | grep -qF "› Close Date"; then break; fi
	rsend Tab
	sleep 0.05
done
rwait "› Close Date"
rsend C-u
rsend -l "2027-03-15"
rsend C-s
rwait "Opportunity saved · sent"
rwait "2027-03-15"

step "records: esc comes back to the same place in the account"
resc
rwait "Account · $rec_acct"
if ! selected | grep -qF -- "${rec_opp_name:0:40}"; then
	echo "e2e-tmux: FAIL: back on the account, the selection is not $rec_opp_name: $(selected)" >&2
	rscreen >&2
	exit 1
fi
rsend q
rwait "[exit 0]"

step "records: the org has the new close date"
if ! LAZYFORCE_HOME="$rec_home" "$bin" query --live --json "SELECT CloseDate FROM Opportunity WHERE Id = '$rec_opp'" | grep -qF '"CloseDate":"2027-03-15"'; then
	echo "e2e-tmux: FAIL: the org does not have the new close date of $rec_opp" >&2
	exit 1
fi
rec_cleanup
# ---- end of records
step "PASS"
