# One background everywhere (issue 12, Part 1 item 7): with the dark and the light theme,
# every cell of the screen (panes, their empty areas and cleared lines, header lines,
# reasons, charts, the tab bar, the status line, the prompt and its completion line, the
# `?` help) has one of the theme's backgrounds, never the terminal's own, at 120x40, 80x24
# and 20x5 (the light theme at 80x24). The default theme keeps the terminal's background;
# switching from it to light paints everything.
#
# bg_check reads `capture-pane -e -N` (SGR escapes, trailing blanks kept), follows the
# colour state cell by cell (tmux carries it from line to line) and prints the first cell
# whose background (the foreground under reverse) is another, naming the pane it is in.
# TERM is tmux-256color, which has no back-colour erase: capture-pane leaves out the cells
# a terminal cleared with bce (erase to the end of the line in a colour), so on such a
# terminal a painted empty area would look missing. Without bce ncurses writes every blank
# that has a colour, and a cell the capture lacks is one left in the terminal's colours.
TUI_TERM=tmux-256color

bg_py='
import re, sys, unicodedata
cap, theme_file, mode, layout = sys.argv[1:5]
W, H, prompting = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7] == "1"
names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
def colour(word):  # the 256-colour side of a theme colour word
    word = word.split("|")[-1].lower()
    if word == "default": return "default"
    if word.startswith("bright-"): return str(8 + names.index(word[7:]))
    return str(names.index(word)) if word in names else str(int(word))
allowed = set()
for line in open(theme_file):
    words = line.split("#")[0].replace("=", " = ").split()
    if len(words) >= 4 and words[1] == "=":
        allowed.add(colour(words[3]))
if mode == "painted":
    allowed.discard("default")
else:  # the default theme: the pane area keeps the terminal background
    allowed = {"default"}
def where(r, c):
    if r == 0: return "tab bar"
    if r == H - 1: return "prompt line" if prompting else "status line"
    if prompting and r == H - 2: return "completion line"
    if layout != "three": return layout
    lw, ph = W * 11 // 20, (H - 2) * 3 // 5
    return "Customers" if c < lw else "Profile" if r - 1 < ph else "Activity"
fg = bg = "default"; rev = False
def sgr(params):
    global fg, bg, rev
    p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
    i = 0
    while i < len(p):
        v = p[i]
        if v == 0: fg = bg = "default"; rev = False
        elif v == 7: rev = True
        elif v == 27: rev = False
        elif 30 <= v <= 37: fg = str(v - 30)
        elif 90 <= v <= 97: fg = str(v - 82)
        elif 40 <= v <= 47: bg = str(v - 40)
        elif 100 <= v <= 107: bg = str(v - 92)
        elif v == 39: fg = "default"
        elif v == 49: bg = "default"
        elif v in (38, 48):
            if p[i + 1] == 5: c = str(p[i + 2]); i += 2
            else: c = "rgb" + ",".join(map(str, p[i + 2:i + 5])); i += 4
            if v == 38: fg = c
            else: bg = c
        i += 1
lines = open(cap, encoding="utf-8", errors="replace").read().split("\n")[:H]
bad = None
for r in range(H):
    text = lines[r] if r < len(lines) else ""
    check = mode == "painted" or 2 <= r <= H - 2  # terminal: the pane below its title
    col = 0
    for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", text, re.S):
        if m.group(1) is not None or m.group(0).startswith("\x1b"):
            sgr(m.group(1)); continue
        ch = m.group(2)
        if unicodedata.combining(ch): continue
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        shown = fg if rev else bg
        for k in range(w):
            if check and shown not in allowed and bad is None:
                bad = (r, col + k, shown)
        col += w
    if check and col < W and "default" not in allowed and bad is None:
        bad = (r, col, "default (erased: the line ends after %d cells)" % col)
if bad:
    r, c, b = bad
    print("row %d, column %d (%s): background %s, not one of the theme'"'"'s (%s)"
          % (r, c, where(r, c), b, " ".join(sorted(allowed))))
'

# bg_check THEME MODE LAYOUT PROMPTING WHAT: polls until the screen passes (up to 10 s, or
# until two captures in a row are the same and fail), then ok or bad with the first cell.
bg_check() {
	local theme=$1 mode=$2 layout=$3 prompting=$4 what=$5 i msg prev="" cur
	for i in $(seq 1 50); do
		tmux -L "$sock" capture-pane -e -N -p -t t >"$work/cap.txt"
		msg=$(python3 -c "$bg_py" "$work/cap.txt" "$root/themes/$theme.theme" "$mode" \
			"$layout" "$W" "$H" "$prompting")
		[ -z "$msg" ] && { ok "$what"; return; }
		cur=$(cat "$work/cap.txt")
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.2
	done
	bad "$what: $msg"
}

# Every size with the dark theme; the light one (the same code, other colours) at 80x24.
for theme in dark light; do
	sizes="120x40 80x24 20x5"
	[ "$theme" = dark ] || sizes=80x24
	for size in $sizes; do
		W=${size%x*} H=${size#*x}
		start "$theme-$size" "$W" "$H" --theme "$theme"
		big=1
		[ "$W" -ge 80 ] || big=0
		tag="$theme $size"
		# The first screen: the list, with the Profile (reasons) and the Activity beside it
		# on the larger sizes.
		if [ $big = 1 ]; then
			expect "Reasons" "the list, the Profile with its reasons ($tag)"
			bg_check "$theme" painted three 0 "Customers, Profile, Activity ($tag)"
		else
			expect "C0001" "the list ($tag)"
			bg_check "$theme" painted Customers 0 "Customers ($tag)"
		fi
		# Each pane in turn (forward, or focused beside the list); at 20x5 the tab bar
		# names the one shown.
		for v in "p Profile Reasons p:Prof" "a Activity Activity.of.C0001 a:Act" \
			"d Drift features.drifted d:Drift" "m Models Models.(1) m:Models" \
			"l Log Log:.runs l:Log" "o Output (empty) o:Out"; do
			set -- $v
			key=$1 name=$2
			if [ $big = 1 ]; then mark=${3//./ }; else mark=$4; fi
			keys "$key"
			expect "$mark" "$name shows ($tag)"
			lay=$name
			[ $big = 1 ] && [ "$key" = p -o "$key" = a ] && lay=three
			bg_check "$theme" painted "$lay" 0 "$name ($tag)"
		done
		# The Output with a command's table, an error in the status line, the `?` help.
		keys : help Enter
		expect "command    usage" "help's table in the Output ($tag)"
		bg_check "$theme" painted Output 0 "Output with text ($tag)"
		keys : nosuchcommand Enter
		expect "unknown command" "an error in the status line ($tag)"
		bg_check "$theme" painted Output 0 "the error status line ($tag)"
		keys '?'
		expect "Keys and commands" "the ? help ($tag)"
		bg_check "$theme" painted help 0 "the ? help ($tag)"
		keys q c
		# The prompt open, with its completion line.
		keys : s Tab Tab
		expect "score  search" "the prompt and its completions ($tag)"
		bg_check "$theme" painted Customers 1 "the prompt line ($tag)"
		keys C-u Escape
		expect_not "score  search" "Esc closes the prompt ($tag)"
		keys q
		expect "exited 0" "quits ($tag)"
	done
done

# The default theme promises the terminal's own colours: an empty pane keeps them.
W=80 H=24
start default-80x24 80 24 --theme default
expect "C0001" "the default theme"
keys o
expect "(empty)" "the empty Output"
tmux -L "$sock" capture-pane -e -N -p -t t >"$work/cap.txt"
msg=$(python3 -c "$bg_py" "$work/cap.txt" "$root/themes/default.theme" terminal Output 80 24 0)
if [ -z "$msg" ]; then ok "the default theme keeps the terminal's background"; else
	bad "the default theme keeps the terminal's background: $msg"; fi
# Switching to a painted theme paints the windows made under the default one.
keys : 'theme light' Enter c
expect "Reasons" "theme light, the list again"
bg_check light painted three 0 "switched to light (80x24)"
keys q
expect "exited 0" "quits (default)"
