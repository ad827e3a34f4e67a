/** Small dense linear algebra for the Newton solvers (row-major square matrices). */

/**
 * Solves A x = b in place (b becomes x) for symmetric positive definite A (m x m, row-major), by
 * Cholesky; A is overwritten with its factor. Returns false if A is not numerically positive definite.
 * Time: O(m^3 / 3).
 */
export function choleskySolve(A: Float64Array, b: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j];
    for (let k = 0; k < j; k++) d -= A[j * m + k] * A[j * m + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    A[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= A[i * m + k] * A[j * m + k];
      A[i * m + j] = s / ljj;
    }
  }
  // Forward: L y = b.
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * m + k] * b[k];
    b[i] = s / A[i * m + i];
  }
  // Backward: L^T x = y.
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= A[k * m + i] * b[k];
    b[i] = s / A[i * m + i];
  }
  return true;
}
