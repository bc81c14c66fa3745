package dev.gantry.bench;

/**
 * A target's verdict from one run's numbers: it meets, it falls short, or it is not judged (a
 * part of the target this run does not measure, a baseline too noisy to compare with), with
 * why. Failed requests in a setup make it fall short whatever its figures: a fast error is not
 * a fast answer.
 */
record Verdict(String text) {

  static Verdict of(boolean meets, long errors) {
    if (errors > 0) {
      return new Verdict("falls short: " + errors + " requests not answered 2xx");
    }
    return new Verdict(meets ? "meets" : "falls short");
  }

  static Verdict fallsShort(long errors) {
    return of(false, errors);
  }

  /** The measured part of a target holds; another part is not measured: no verdict but a failure. */
  static Verdict partial(String why, long errors) {
    return errors > 0 ? of(false, errors) : notJudged(why);
  }

  static Verdict notJudged(String why) {
    return new Verdict("not judged: " + why);
  }
}
