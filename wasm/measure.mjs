// The timing loop of the Node benchmarks (bench.mjs, swb-bench.mjs): runs `fn` for about
// `ms` over 7 samples after a warm-up and returns the median time per op, in ns.
export function measure(fn, ops = 1, ms = 300) {
  const until = Date.now() + 150;
  while (Date.now() < until) fn();
  const samples = [];
  for (let s = 0; s < 7; s++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const stop = Date.now() + ms / 7;
    while (Date.now() < stop) {
      fn();
      n++;
    }
    samples.push(Number(process.hrtime.bigint() - start) / n / ops);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}
