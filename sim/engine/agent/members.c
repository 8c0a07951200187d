#include <stdlib.h>

#include "members.h"
#include "wxflow/wxflow.h"

void wx__members_free(wx_members *a) {
  free(a->list);
  free(a->pos);
  *a = (wx_members){0};
}

static int grow(uint32_t **arr, uint32_t *cap, uint32_t need) {
  if (need <= *cap) return WX_OK;
  uint64_t c = *cap ? *cap : 1024;
  while (c < need) c += c / 2;
  if (c > UINT32_MAX) c = UINT32_MAX;
  uint32_t *grown = realloc(*arr, (size_t)c * sizeof *grown);
  if (!grown) return WX_ENOMEM;
  *arr = grown;
  *cap = (uint32_t)c;
  return WX_OK;
}

int wx__members_add(wx_members *a, uint32_t p) {
  if (grow(&a->list, &a->cap, a->n + 1) != WX_OK ||
      grow(&a->pos, &a->pos_cap, p + 1) != WX_OK)
    return WX_ENOMEM;
  a->pos[p] = a->n;
  a->list[a->n++] = p;
  return WX_OK;
}

void wx__members_remove(wx_members *a, uint32_t p) {
  uint32_t i = a->pos[p], last = a->list[--a->n];
  a->list[i] = last;
  a->pos[last] = i;
}

void wx__members_sample(wx_members *a, uint32_t k, gsl_rng *r, uint32_t *out) {
  for (uint32_t i = 0; i < k; i++) {
    uint32_t j = i + (uint32_t)gsl_rng_uniform_int(r, a->n - i);
    uint32_t pi = a->list[i], pj = a->list[j];
    a->list[i] = pj;
    a->list[j] = pi;
    a->pos[pj] = i;
    a->pos[pi] = j;
    out[i] = pj;
  }
}
