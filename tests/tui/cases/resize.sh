# Sizes: 80x24 full, 40x12 and 20x5 one pane, resize redraws
start sizes 80 24
expect "Profile" "80x24 shows the full layout"
golden first_screen_80x24
resize 40 12
expect_not "Profile" "40x12 shows one pane"
expect "C0001" "the list survives the resize"
keys Tab
expect "Activity" "Tab brings the next pane forward"
resize 20 5
keys j j k
resize 100 30
expect "Profile" "back to the full layout after a resize"
keys q
expect "exited 0" "no crash through 20x5"

start tiny 20 5
expect "riskdesk" "starts at 20x5"
keys j j G g q
expect "exited 0" "keys at 20x5 and quit"
