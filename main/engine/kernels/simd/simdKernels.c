/*
 * Memory-bound training kernels for the wasm backend, in WebAssembly SIMD.
 *
 * The module imports tfjs-backend-wasm's own linear memory, so every pointer below is an
 * address in that memory (a tensor's bytes, as the backend's dataIdMap gives them) and the
 * kernels read and write tensors in place. It must therefore own nothing in that memory:
 * no static data and no stack (no local arrays, nothing whose address is taken). The build
 * script (scripts/build-simd-kernels.mjs) checks that the linked module touches no global.
 *
 * Each kernel matches the cpu backend's result within float32 rounding: the same winner
 * among equal maxima, and sums accumulated in blocks so that long reductions stay precise.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

static void zero(float *out, int count) {
  __builtin_memset(out, 0, (unsigned long)count * sizeof(float));
}

/*
 * The first maximum of one channel's window, scanning in row-major window order: strictly
 * greater wins, so ties keep the first and NaN never wins. -1 when nothing beats -Infinity.
 */
static int first_maximum(const float *x, int base, int row_start, int row_end, int col_start, int col_end,
                         int dilation_h, int dilation_w, int in_w, int channels, int d) {
  float best = -__builtin_inff();
  int where = -1;
  for (int r = row_start; r < row_end; r += dilation_h) {
    for (int c = col_start; c < col_end; c += dilation_w) {
      int at = base + (r * in_w + c) * channels + d;
      if (x[at] > best) {
        best = x[at];
        where = at;
      }
    }
  }
  return where;
}

/*
 * For the lanes of `pending` (channels d to d + 3 whose window holds no pixel equal to y:
 * a NaN window), the window's dy goes to the first maximum found by a scan.
 */
static void give_pending_lanes(v128_t pending, const float *x, const float *dy, float *dx, int base, int y_base, int d,
                               int row_start, int row_end, int col_start, int col_end, int dilation_h, int dilation_w,
                               int in_w, int channels) {
  int lanes = wasm_i32x4_bitmask(pending);
  for (int lane = 0; lane < 4; lane++) {
    if (!((lanes >> lane) & 1)) continue;
    int where = first_maximum(x, base, row_start, row_end, col_start, col_end, dilation_h, dilation_w, in_w, channels,
                              d + lane);
    if (where >= 0) dx[where] += dy[y_base + d + lane];
  }
}

/*
 * dx of max pooling (NHWC): each window's first maximum receives the window's dy. The
 * forward output y is that maximum, so four channels at a time look for the first pixel
 * equal to y, without branching on what they find; a lane that matches nothing (a NaN
 * window) is resolved by a scan. Windows that cannot overlap (stride at least the window)
 * store their taps' values; overlapping ones add to them.
 */
EXPORT("max_pool_grad")
void max_pool_grad(const float *x, const float *y, const float *dy, float *dx, int batch, int in_h, int in_w,
                   int channels, int out_h, int out_w, int stride_h, int stride_w, int dilation_h, int dilation_w,
                   int effective_h, int effective_w, int top, int left) {
  int disjoint = stride_h >= effective_h && stride_w >= effective_w;
  /* Windows that tile the input write every dx value in the vector loop below (channels in
     fours, no scalar tail that adds), so only other layouts need dx cleared first. */
  int tiles = disjoint && stride_h == effective_h && stride_w == effective_w && dilation_h == 1 && dilation_w == 1 &&
              top == 0 && left == 0 && out_h * stride_h >= in_h && out_w * stride_w >= in_w && channels % 4 == 0;
  if (!tiles) zero(dx, batch * in_h * in_w * channels);
  /* 2x2 windows, stride 2, every window inside the input. */
  int two_by_two = effective_h == 2 && effective_w == 2 && stride_h == 2 && stride_w == 2 && dilation_h == 1 &&
                   dilation_w == 1 && top == 0 && left == 0 && out_h * 2 <= in_h && out_w * 2 <= in_w;
  for (int b = 0; b < batch; b++) {
    int base = b * in_h * in_w * channels;
    for (int out_r = 0; out_r < out_h; out_r++) {
      int row_corner = out_r * stride_h - top;
      int row_start = row_corner;
      while (row_start < 0) row_start += dilation_h;
      int row_end = row_corner + effective_h < in_h ? row_corner + effective_h : in_h;
      for (int out_c = 0; out_c < out_w; out_c++) {
        int col_corner = out_c * stride_w - left;
        int col_start = col_corner;
        while (col_start < 0) col_start += dilation_w;
        int col_end = col_corner + effective_w < in_w ? col_corner + effective_w : in_w;
        int y_base = ((b * out_h + out_r) * out_w + out_c) * channels;
        int d = 0;
        if (two_by_two) {
          /* Keras's default pooling, unrolled: the four taps in row-major order. */
          const float *x0 = x + base + (row_start * in_w + col_start) * channels;
          const float *x1 = x0 + in_w * channels;
          float *dx0 = dx + base + (row_start * in_w + col_start) * channels;
          float *dx1 = dx0 + in_w * channels;
          for (; d + 4 <= channels; d += 4) {
            v128_t maximum = wasm_v128_load(y + y_base + d);
            v128_t gradient = wasm_v128_load(dy + y_base + d);
            v128_t hit = wasm_f32x4_eq(wasm_v128_load(x0 + d), maximum);
            v128_t pending = wasm_v128_not(hit);
            wasm_v128_store(dx0 + d, wasm_v128_and(gradient, hit));
            hit = wasm_v128_and(wasm_f32x4_eq(wasm_v128_load(x0 + channels + d), maximum), pending);
            pending = wasm_v128_andnot(pending, hit);
            wasm_v128_store(dx0 + channels + d, wasm_v128_and(gradient, hit));
            hit = wasm_v128_and(wasm_f32x4_eq(wasm_v128_load(x1 + d), maximum), pending);
            pending = wasm_v128_andnot(pending, hit);
            wasm_v128_store(dx1 + d, wasm_v128_and(gradient, hit));
            hit = wasm_v128_and(wasm_f32x4_eq(wasm_v128_load(x1 + channels + d), maximum), pending);
            pending = wasm_v128_andnot(pending, hit);
            wasm_v128_store(dx1 + channels + d, wasm_v128_and(gradient, hit));
            if (wasm_v128_any_true(pending)) {
              give_pending_lanes(pending, x, dy, dx, base, y_base, d, row_start, row_end, col_start, col_end, 1, 1, in_w, channels);
            }
          }
        }
        for (; d + 4 <= channels; d += 4) {
          v128_t maximum = wasm_v128_load(y + y_base + d);
          v128_t gradient = wasm_v128_load(dy + y_base + d);
          v128_t pending = wasm_i32x4_splat(-1);
          for (int r = row_start; r < row_end; r += dilation_h) {
            for (int c = col_start; c < col_end; c += dilation_w) {
              int at = base + (r * in_w + c) * channels + d;
              v128_t hit = wasm_v128_and(wasm_f32x4_eq(wasm_v128_load(x + at), maximum), pending);
              v128_t share = wasm_v128_and(gradient, hit);
              wasm_v128_store(dx + at, disjoint ? share : wasm_f32x4_add(wasm_v128_load(dx + at), share));
              pending = wasm_v128_andnot(pending, hit);
            }
          }
          if (wasm_v128_any_true(pending)) {
            give_pending_lanes(pending, x, dy, dx, base, y_base, d, row_start, row_end, col_start, col_end, dilation_h,
                               dilation_w, in_w, channels);
          }
        }
        for (; d < channels; d++) {
          float maximum = y[y_base + d];
          int where = -1;
          for (int r = row_start; r < row_end && where < 0; r += dilation_h) {
            for (int c = col_start; c < col_end; c += dilation_w) {
              int at = base + (r * in_w + c) * channels + d;
              if (x[at] == maximum) {
                where = at;
                break;
              }
            }
          }
          if (where < 0) where = first_maximum(x, base, row_start, row_end, col_start, col_end, dilation_h, dilation_w,
                                               in_w, channels, d);
          if (where >= 0) dx[where] += dy[y_base + d];
        }
      }
    }
  }
}

/* Rows summed into a block before the block joins the total: keeps long sums precise. */
#define SUM_BLOCK_ROWS 64

/*
 * out[c] = sum over r of (x[r * cols + c] - centre[c]), squared when `squared`, with no
 * centre when `centre` is 0. Rows are summed into `partial` (scratch of `cols` floats) a
 * block at a time before the block joins the total, which keeps long sums precise.
 */
static void block_sums(const float *x, const float *centre, float *out, float *partial, int rows, int cols,
                       int squared) {
  zero(out, cols);
  for (int block = 0; block < rows; block += SUM_BLOCK_ROWS) {
    int block_end = block + SUM_BLOCK_ROWS < rows ? block + SUM_BLOCK_ROWS : rows;
    zero(partial, cols);
    for (int r = block; r < block_end; r++) {
      const float *row = x + (long)r * cols;
      int c = 0;
      for (; c + 4 <= cols; c += 4) {
        v128_t term = wasm_v128_load(row + c);
        if (centre) term = wasm_f32x4_sub(term, wasm_v128_load(centre + c));
        if (squared) term = wasm_f32x4_mul(term, term);
        wasm_v128_store(partial + c, wasm_f32x4_add(wasm_v128_load(partial + c), term));
      }
      for (; c < cols; c++) {
        float term = centre ? row[c] - centre[c] : row[c];
        partial[c] += squared ? term * term : term;
      }
    }
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_v128_load(partial + c)));
    }
    for (; c < cols; c++) out[c] += partial[c];
  }
}

/*
 * out[c] = sum over r of x[r * cols + c]: a reduction over every axis but the last (a bias
 * gradient). `partial` is scratch of `cols` floats.
 */
EXPORT("column_sum")
void column_sum(const float *x, float *out, float *partial, int rows, int cols) {
  block_sums(x, 0, out, partial, rows, cols, 0);
}

/* Output channels whose sums one pass keeps in registers: 8 vectors of 4. */
#define TAP_CHANNELS 32

/* The first i in [0, out) with i * stride + offset >= 0, and the end of those with it < size. */
static int first_inside(int offset, int stride) {
  return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}
static int end_inside(int offset, int stride, int size, int out) {
  int end = offset >= size ? 0 : (size - offset + stride - 1) / stride;
  return end < out ? end : out;
}

/*
 * dW[a, b, ci, co] = sum over n, i, j of x[n, i*sh - top + a, j*sw - left + b, ci] * dy[n, i, j, co]
 * (NHWC, dilation 1): for each tap (a, b, ci) and each block of 32 output channels, one
 * pass over the dy pixels that tap reaches, with the 32 sums in registers. Fast when a pixel
 * has few taps (a first layer on 1 or 3 channels), where a convolution or a matrix product
 * would be a few rows long. `partial` is scratch the size of dW: each example's sums are
 * added to dW whole, which keeps the sum over the batch precise.
 */
EXPORT("conv2d_backprop_filter_taps")
void conv2d_backprop_filter_taps(const float *x, const float *dy, float *dw, float *partial, int batch, int in_h,
                                 int in_w, int in_c, int out_h, int out_w, int out_c, int filter_h, int filter_w,
                                 int stride_h, int stride_w, int top, int left) {
  int filter_size = filter_h * filter_w * in_c * out_c;
  zero(dw, filter_size);
  for (int n = 0; n < batch; n++) {
    const float *image = x + n * in_h * in_w * in_c;
    const float *gradients = dy + n * out_h * out_w * out_c;
    for (int a = 0; a < filter_h; a++) {
      int i_start = first_inside(a - top, stride_h);
      int i_end = end_inside(a - top, stride_h, in_h, out_h);
      for (int b = 0; b < filter_w; b++) {
        int j_start = first_inside(b - left, stride_w);
        int j_end = end_inside(b - left, stride_w, in_w, out_w);
        for (int ci = 0; ci < in_c; ci++) {
          float *sums = partial + ((a * filter_w + b) * in_c + ci) * out_c;
          int co = 0;
          for (; co + TAP_CHANNELS <= out_c; co += TAP_CHANNELS) {
            v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int i = i_start; i < i_end; i++) {
              const float *pixels = image + ((i * stride_h - top + a) * in_w - left + b) * in_c + ci;
              const float *row = gradients + i * out_w * out_c + co;
              for (int j = j_start; j < j_end; j++) {
                v128_t v = wasm_f32x4_splat(pixels[j * stride_w * in_c]);
                const float *g = row + j * out_c;
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(v, wasm_v128_load(g)));
                s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(v, wasm_v128_load(g + 4)));
                s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(v, wasm_v128_load(g + 8)));
                s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(v, wasm_v128_load(g + 12)));
                s4 = wasm_f32x4_add(s4, wasm_f32x4_mul(v, wasm_v128_load(g + 16)));
                s5 = wasm_f32x4_add(s5, wasm_f32x4_mul(v, wasm_v128_load(g + 20)));
                s6 = wasm_f32x4_add(s6, wasm_f32x4_mul(v, wasm_v128_load(g + 24)));
                s7 = wasm_f32x4_add(s7, wasm_f32x4_mul(v, wasm_v128_load(g + 28)));
              }
            }
            wasm_v128_store(sums + co, s0);
            wasm_v128_store(sums + co + 4, s1);
            wasm_v128_store(sums + co + 8, s2);
            wasm_v128_store(sums + co + 12, s3);
            wasm_v128_store(sums + co + 16, s4);
            wasm_v128_store(sums + co + 20, s5);
            wasm_v128_store(sums + co + 24, s6);
            wasm_v128_store(sums + co + 28, s7);
          }
          for (; co + 4 <= out_c; co += 4) {
            v128_t s = wasm_f32x4_splat(0);
            for (int i = i_start; i < i_end; i++) {
              const float *pixels = image + ((i * stride_h - top + a) * in_w - left + b) * in_c + ci;
              const float *row = gradients + i * out_w * out_c + co;
              for (int j = j_start; j < j_end; j++) {
                s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(pixels[j * stride_w * in_c]), wasm_v128_load(row + j * out_c)));
              }
            }
            wasm_v128_store(sums + co, s);
          }
          for (; co < out_c; co++) {
            float s = 0;
            for (int i = i_start; i < i_end; i++) {
              const float *pixels = image + ((i * stride_h - top + a) * in_w - left + b) * in_c + ci;
              const float *row = gradients + i * out_w * out_c + co;
              for (int j = j_start; j < j_end; j++) s += pixels[j * stride_w * in_c] * row[j * out_c];
            }
            sums[co] = s;
          }
        }
      }
    }
    int k = 0;
    for (; k + 4 <= filter_size; k += 4) {
      wasm_v128_store(dw + k, wasm_f32x4_add(wasm_v128_load(dw + k), wasm_v128_load(partial + k)));
    }
    for (; k < filter_size; k++) dw[k] += partial[k];
  }
}

/*
 * Optimizer steps, each one pass with tfjs's optimizers' arithmetic in their order
 * (main/engine/kernels/fusedUpdates.ts): the state is rewritten in place, and the variable's
 * next value goes to `next`, a new tensor, because tfjs-backend-wasm keeps XNNPACK's packed
 * copy of a weight tensor for as long as the tensor lives; rewriting it in place would leave
 * the next forward pass on the old weights.
 */

/* tfjs's SGDOptimizer: w <- (-lr) * g + w. */
EXPORT("sgd_update")
void sgd_update(const float *w, float *next, const float *g, int size, float neg_lr) {
  v128_t rate = wasm_f32x4_splat(neg_lr);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    wasm_v128_store(next + i, wasm_f32x4_add(wasm_f32x4_mul(rate, wasm_v128_load(g + i)), wasm_v128_load(w + i)));
  }
  for (; i < size; i++) next[i] = neg_lr * g[i] + w[i];
}

/*
 * tfjs's MomentumOptimizer: a <- momentum * a + g, then w <- (-lr) * a + w, or with
 * Nesterov w <- (-lr) * (g + a * momentum) + w.
 */
EXPORT("momentum_update")
void momentum_update(const float *w, float *next, const float *g, float *a, int size, float neg_lr, float momentum, int nesterov) {
  v128_t rate = wasm_f32x4_splat(neg_lr);
  v128_t mu = wasm_f32x4_splat(momentum);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    v128_t gradient = wasm_v128_load(g + i);
    v128_t accumulation = wasm_f32x4_add(wasm_f32x4_mul(mu, wasm_v128_load(a + i)), gradient);
    wasm_v128_store(a + i, accumulation);
    v128_t step = nesterov ? wasm_f32x4_add(gradient, wasm_f32x4_mul(accumulation, mu)) : accumulation;
    wasm_v128_store(next + i, wasm_f32x4_add(wasm_f32x4_mul(rate, step), wasm_v128_load(w + i)));
  }
  for (; i < size; i++) {
    float accumulation = momentum * a[i] + g[i];
    a[i] = accumulation;
    next[i] = neg_lr * (nesterov ? g[i] + accumulation * momentum : accumulation) + w[i];
  }
}

/*
 * tfjs's AdamOptimizer (and Keras's AdamW through `decay`, 1 for Adam):
 *   m <- m * b1 + g * (1 - b1),  v <- v * b2 + g^2 * (1 - b2)
 *   w <- (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) * (-lr) + w * decay
 * `acc_beta1` and `acc_beta2` address the scalars b1^t and b2^t.
 */
EXPORT("adam_update")
void adam_update(const float *w, float *next, const float *g, float *m, float *v, const float *acc_beta1,
                 const float *acc_beta2, int size, float neg_lr, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float epsilon,
                 float decay) {
  float correction1 = 1.0f - *acc_beta1;
  float correction2 = 1.0f - *acc_beta2;
  v128_t rate = wasm_f32x4_splat(neg_lr), b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(one_minus_beta1);
  v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(one_minus_beta2), eps = wasm_f32x4_splat(epsilon);
  v128_t keep = wasm_f32x4_splat(decay), k1 = wasm_f32x4_splat(correction1), k2 = wasm_f32x4_splat(correction2);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    v128_t gradient = wasm_v128_load(g + i);
    v128_t first = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gradient, c1));
    v128_t second = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2),
                                   wasm_f32x4_mul(wasm_f32x4_mul(gradient, gradient), c2));
    wasm_v128_store(m + i, first);
    wasm_v128_store(v + i, second);
    v128_t step = wasm_f32x4_div(wasm_f32x4_div(first, k1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(second, k2)), eps));
    wasm_v128_store(next + i, wasm_f32x4_add(wasm_f32x4_mul(step, rate), wasm_f32x4_mul(wasm_v128_load(w + i), keep)));
  }
  for (; i < size; i++) {
    float first = m[i] * beta1 + g[i] * one_minus_beta1;
    float second = v[i] * beta2 + (g[i] * g[i]) * one_minus_beta2;
    m[i] = first;
    v[i] = second;
    next[i] = (first / correction1) / (__builtin_sqrtf(second / correction2) + epsilon) * neg_lr + w[i] * decay;
  }
}

/*
 * tfjs's RMSPropOptimizer: s <- s * rho + g^2 * (1 - rho), p <- p * momentum + g * lr / sqrt(s + eps),
 * w <- w - p. Centered (`mg` not 0): also mu <- mu * rho + g * (1 - rho), and the root is
 * sqrt(s - (mu^2 + eps)), as tfjs computes it.
 */
EXPORT("rmsprop_update")
void rmsprop_update(const float *w, float *next, const float *g, float *ms, float *mom, float *mg, int size, float lr, float decay,
                    float one_minus_decay, float momentum, float epsilon) {
  v128_t rate = wasm_f32x4_splat(lr), rho = wasm_f32x4_splat(decay), c = wasm_f32x4_splat(one_minus_decay);
  v128_t mu = wasm_f32x4_splat(momentum), eps = wasm_f32x4_splat(epsilon);
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    v128_t gradient = wasm_v128_load(g + i);
    v128_t square = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(ms + i), rho),
                                   wasm_f32x4_mul(wasm_f32x4_mul(gradient, gradient), c));
    v128_t denominator;
    if (mg) {
      v128_t mean = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(mg + i), rho), wasm_f32x4_mul(gradient, c));
      wasm_v128_store(mg + i, mean);
      denominator = wasm_f32x4_sqrt(wasm_f32x4_sub(square, wasm_f32x4_add(wasm_f32x4_mul(mean, mean), eps)));
    } else {
      denominator = wasm_f32x4_sqrt(wasm_f32x4_add(square, eps));
    }
    v128_t step = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(mom + i), mu),
                                 wasm_f32x4_div(wasm_f32x4_mul(gradient, rate), denominator));
    wasm_v128_store(ms + i, square);
    wasm_v128_store(mom + i, step);
    wasm_v128_store(next + i, wasm_f32x4_sub(wasm_v128_load(w + i), step));
  }
  for (; i < size; i++) {
    float square = ms[i] * decay + (g[i] * g[i]) * one_minus_decay;
    float denominator;
    if (mg) {
      float mean = mg[i] * decay + g[i] * one_minus_decay;
      mg[i] = mean;
      denominator = __builtin_sqrtf(square - (mean * mean + epsilon));
    } else {
      denominator = __builtin_sqrtf(square + epsilon);
    }
    float step = mom[i] * momentum + (g[i] * lr) / denominator;
    ms[i] = square;
    mom[i] = step;
    next[i] = w[i] - step;
  }
}

/* out[r * cols + c] = x[r * cols + c] + bias[c]: a bias added to every row (every pixel). */
EXPORT("add_rows")
void add_rows(const float *x, const float *bias, float *out, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    const float *row = x + (long)r * cols;
    float *target = out + (long)r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      wasm_v128_store(target + c, wasm_f32x4_add(wasm_v128_load(row + c), wasm_v128_load(bias + c)));
    }
    for (; c < cols; c++) target[c] = row[c] + bias[c];
  }
}

/*
 * Batch normalization in training mode over rows of `cols` channels (channels-last):
 * mean and population variance per channel (two passes, each summed in blocks), then
 * y = (x - mean) * (gamma / sqrt(variance + epsilon)) + beta. `scratch` holds `cols` floats.
 */
EXPORT("batch_norm_training")
void batch_norm_training(const float *x, const float *gamma, const float *beta, float *y, float *mean,
                         float *variance, float *scratch, int rows, int cols, float epsilon) {
  if (rows == 0) {
    zero(mean, cols);
    zero(variance, cols);
    return;
  }
  /* The mean is summed relative to the first row (kept in `variance` meanwhile), so that
     a channel far from zero (a mean of 1000, spread 1) keeps its deviations' precision. */
  for (int c = 0; c < cols; c++) variance[c] = x[c];
  block_sums(x, variance, mean, scratch, rows, cols, 0);
  float count = (float)rows;
  for (int c = 0; c < cols; c++) mean[c] = variance[c] + mean[c] / count;
  block_sums(x, mean, variance, scratch, rows, cols, 1);
  for (int c = 0; c < cols; c++) {
    variance[c] /= count;
    scratch[c] = gamma[c] / __builtin_sqrtf(variance[c] + epsilon);
  }
  for (int r = 0; r < rows; r++) {
    const float *row = x + (long)r * cols;
    float *out = y + (long)r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t centred = wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(mean + c));
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_f32x4_mul(centred, wasm_v128_load(scratch + c)), wasm_v128_load(beta + c)));
    }
    for (; c < cols; c++) out[c] = (row[c] - mean[c]) * scratch[c] + beta[c];
  }
}

/*
 * The gradient of `batch_norm_training` through the batch statistics, with
 * x_hat = (x - mean) * r and r = 1 / sqrt(variance + epsilon):
 *   dbeta = sum dy,  dgamma = sum dy * x_hat,  dx = gamma * r * (dy - dbeta / n - x_hat * dgamma / n).
 * `scratch` holds 3 * `cols` floats.
 */
EXPORT("batch_norm_training_grad")
void batch_norm_training_grad(const float *dy, const float *x, const float *mean, const float *variance,
                              const float *gamma, float *dx, float *dgamma, float *dbeta, float *scratch, int rows,
                              int cols, float epsilon) {
  float *root = scratch;
  float *block_beta = scratch + cols;
  float *block_gamma = scratch + 2 * cols;
  for (int c = 0; c < cols; c++) root[c] = 1.0f / __builtin_sqrtf(variance[c] + epsilon);
  zero(dbeta, cols);
  zero(dgamma, cols);
  for (int block = 0; block < rows; block += SUM_BLOCK_ROWS) {
    int block_end = block + SUM_BLOCK_ROWS < rows ? block + SUM_BLOCK_ROWS : rows;
    zero(block_beta, 2 * cols);
    for (int r = block; r < block_end; r++) {
      const float *g = dy + (long)r * cols;
      const float *row = x + (long)r * cols;
      int c = 0;
      for (; c + 4 <= cols; c += 4) {
        v128_t gradient = wasm_v128_load(g + c);
        v128_t normalised = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(mean + c)), wasm_v128_load(root + c));
        wasm_v128_store(block_beta + c, wasm_f32x4_add(wasm_v128_load(block_beta + c), gradient));
        wasm_v128_store(block_gamma + c, wasm_f32x4_add(wasm_v128_load(block_gamma + c), wasm_f32x4_mul(gradient, normalised)));
      }
      for (; c < cols; c++) {
        block_beta[c] += g[c];
        block_gamma[c] += g[c] * (row[c] - mean[c]) * root[c];
      }
    }
    for (int c = 0; c < cols; c++) {
      dbeta[c] += block_beta[c];
      dgamma[c] += block_gamma[c];
    }
  }
  /* Reuse the block sums as per-channel factors: dbeta / n and dgamma / n, and gamma * r in root. */
  float count = (float)rows;
  for (int c = 0; c < cols; c++) {
    block_beta[c] = dbeta[c] / count;
    block_gamma[c] = dgamma[c] / count;
  }
  for (int r = 0; r < rows; r++) {
    const float *g = dy + (long)r * cols;
    const float *row = x + (long)r * cols;
    float *out = dx + (long)r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      v128_t r4 = wasm_v128_load(root + c);
      v128_t normalised = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(mean + c)), r4);
      v128_t inner = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(g + c), wasm_v128_load(block_beta + c)),
                                    wasm_f32x4_mul(normalised, wasm_v128_load(block_gamma + c)));
      wasm_v128_store(out + c, wasm_f32x4_mul(wasm_f32x4_mul(wasm_v128_load(gamma + c), r4), inner));
    }
    for (; c < cols; c++) {
      float normalised = (row[c] - mean[c]) * root[c];
      out[c] = gamma[c] * root[c] * (g[c] - block_beta[c] - normalised * block_gamma[c]);
    }
  }
}

/* moving <- moving - (moving - batch) * decay, for the mean and the variance, into new tensors. */
EXPORT("moving_averages_update")
void moving_averages_update(const float *moving_mean, const float *moving_variance, const float *mean,
                            const float *variance, float *next_mean, float *next_variance, int cols, float decay) {
  for (int c = 0; c < cols; c++) {
    next_mean[c] = moving_mean[c] - (moving_mean[c] - mean[c]) * decay;
    next_variance[c] = moving_variance[c] - (moving_variance[c] - variance[c]) * decay;
  }
}
