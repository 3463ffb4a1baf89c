/** What a verification records (the LabApi's `Verification` has this shape). */
export interface VerificationFacts {
  runtime: string;
  samples: number;
  inputs: 'test-split' | 'random';
  maxAbsDiff: number;
  tolerance: number;
  structure?: { checker: string; detail: string } | null;
}

/**
 * An export's verification in one sentence, naming what re-read the file and, for Keras
 * files, what else checked it: "Re-read by Model Lab's Keras H5 reader: max |Δ| 1.19e-7
 * ≤ 1e-4 on 64 held-out test images; structure checked by h5py 3.10.0 (Python 3.12.3):
 * Functional model config, …". The CLI, the model card and the Export view all say this.
 */
export function describeVerification(verification: VerificationFacts): string {
  const within = verification.maxAbsDiff <= verification.tolerance;
  const inputs = verification.inputs === 'test-split' ? 'held-out test images' : 'deterministic random inputs';
  const compared = `Re-read by ${verification.runtime}: max |Δ| ${verification.maxAbsDiff.toExponential(2)} ${within ? '≤' : '>'} ${verification.tolerance.toExponential(0)} on ${verification.samples} ${inputs}`;
  const structure = verification.structure ? `; structure checked by ${verification.structure.checker}: ${verification.structure.detail}` : '';
  return `${compared}${structure}.`;
}
