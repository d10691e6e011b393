/** A problem with what the user asked for (a missing file, an unknown workload): reported, not thrown at them. */
export class BenchSetupError extends Error {
  override readonly name = 'BenchSetupError';
}
