# `model NAME` is linear in the model's size: a scorecard whose duration column has
# 500,000 bins (made by script from an exported one) imports and shows every bin, in order,
# with each bin's lower edge the previous bin's upper one. (The timeout only stops a hang:
# before the fix this took hours; the time itself is not tested.)
G="$SHARED/datasets/german"
$RISKDESK --db db.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
  -c 'train gs --algo scorecard' -c 'model export gs gs.model' >/dev/null || echo "setup failed"
python3 - <<'EOF'
import json
d = json.load(open('gs.model'))
d['name'] = 'big'
n = 500000
for c in d['spec']['columns']:
    if c['name'] == 'duration':
        c['bins'] = [{'hi': i + 1, 'goods': 1 + i % 5, 'bads': i % 3, 'woe': (i % 7 - 3) / 10,
                      'points': (i % 11) / 2} for i in range(n - 1)]
        c['bins'].append({'hi': None, 'goods': 7, 'bads': 1, 'woe': 0.5, 'points': 12.5})
open('big.model', 'w').write(json.dumps(d))
EOF
$RISKDESK --db db.sqlite -c 'model import big.model'
timeout 300 $RISKDESK --db db.sqlite -c 'model big' > show.txt; echo "status $?"
echo "--- the points table: rows of duration, its first and last bins, the next column"
grep -c '^duration  *(' show.txt
grep -m 1 '^feature  *bin ' show.txt
grep '^duration  *(' show.txt | sed -n '1,3p;499998,499999p'
grep -A1 '^duration  *(499999, inf]' show.txt
echo "--- the same model in JSON"
timeout 300 $RISKDESK --json --db db.sqlite -c 'model big' > show.json; echo "status $?"
python3 -c "
import json
p = json.load(open('show.json'))['points']
d = [r for r in p if r['feature'] == 'duration']
print(len(d), d[0], d[-1])"
