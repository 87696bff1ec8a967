// Preloaded into an app process (`node --import`) to run it on a clock REBUT_TEST_CLOCK_SKEW_MS off, as on a machine
// whose time is wrong: every `new Date()` and `Date.now()` in the process is moved, nothing else.
const skew = Number(process.env.REBUT_TEST_CLOCK_SKEW_MS ?? 0);
const RealDate = globalThis.Date;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skew);
    else super(...args);
  }
  static now() {
    return RealDate.now() + skew;
  }
}
globalThis.Date = SkewedDate;
