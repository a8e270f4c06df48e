# Over time: calendar months from the monthly snapshots, none before the first `snapshot`.
# The sample's twelve months (its history begins in 2021, when the shop was young and its
# book unlike today's).
start drift-months 120 40
expect "C0001" "opens on the sample"
keys d
expect "0 of 17 features drifted significantly" "d shows the sample against its own reference"
expect "no snapshots: 'snapshot' takes them" "no snapshots: the charts say how to take them"
keys : 'snapshot --from 2024-07' Enter
expect_re 'Score PSI per month end +2025-06 0\.000' \
	"after 'snapshot': the PSI per calendar month, the last (the reference's month) 0"
expect_re '^ .* 2024-07 .* 2025-06 *$' "the chart's axis runs from 2024-07 to 2025-06"
expect_re 'AUC per month end +2025-06 0\.[0-9]{3}' "the AUC per month end"
keys q
expect "exited 0" "quits"
