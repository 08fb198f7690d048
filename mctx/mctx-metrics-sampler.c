/* mctx-metrics-sampler.c: deltas between successive snapshots
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxMetricsSampler:
 *
 * Keeps the previous snapshot of a publication or a context and turns each
 * new one into a [struct@Mctx.MetricsDelta], with intervals measured on the
 * monotonic clock. The first sample has nothing to compare with and returns
 * %NULL.
 *
 * A sampler is for one thread at a time.
 *
 * Since: 1.0
 */
struct _MctxMetricsSampler
{
  GObject parent_instance;

  MctxPublication *publication;
  MctxContext *context;
  MctxMetricsSnapshot *last;
};

G_DEFINE_FINAL_TYPE (MctxMetricsSampler, mctx_metrics_sampler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PUBLICATION,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mctx_metrics_sampler_finalize (GObject *object)
{
  MctxMetricsSampler *self = MCTX_METRICS_SAMPLER (object);

  g_clear_object (&self->publication);
  g_clear_object (&self->context);
  g_clear_pointer (&self->last, mctx_metrics_snapshot_unref);

  G_OBJECT_CLASS (mctx_metrics_sampler_parent_class)->finalize (object);
}

static void
mctx_metrics_sampler_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MctxMetricsSampler *self = MCTX_METRICS_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_PUBLICATION:
      g_value_set_object (value, self->publication);
      break;
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_metrics_sampler_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MctxMetricsSampler *self = MCTX_METRICS_SAMPLER (object);

  switch (prop_id)
    {
    case PROP_PUBLICATION:
      self->publication = g_value_dup_object (value);
      break;
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_metrics_sampler_constructed (GObject *object)
{
  MctxMetricsSampler *self = MCTX_METRICS_SAMPLER (object);

  G_OBJECT_CLASS (mctx_metrics_sampler_parent_class)->constructed (object);

  g_return_if_fail ((self->publication == NULL) != (self->context == NULL));
}

static void
mctx_metrics_sampler_class_init (MctxMetricsSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mctx_metrics_sampler_constructed;
  object_class->finalize = mctx_metrics_sampler_finalize;
  object_class->get_property = mctx_metrics_sampler_get_property;
  object_class->set_property = mctx_metrics_sampler_set_property;

  /**
   * MctxMetricsSampler:publication:
   *
   * The publication sampled, or %NULL when sampling a context.
   *
   * Since: 1.0
   */
  properties[PROP_PUBLICATION] =
    g_param_spec_object ("publication", NULL, NULL,
                         MCTX_TYPE_PUBLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxMetricsSampler:context:
   *
   * The context sampled, or %NULL when sampling a publication.
   *
   * Since: 1.0
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         MCTX_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_metrics_sampler_init (MctxMetricsSampler *self)
{
}

/**
 * mctx_metrics_sampler_new_for_publication:
 * @publication: the publication to sample
 *
 * Creates a sampler of one publication's counters.
 *
 * Returns: (transfer full): a new sampler
 *
 * Since: 1.0
 */
MctxMetricsSampler *
mctx_metrics_sampler_new_for_publication (MctxPublication *publication)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (publication), NULL);

  return g_object_new (MCTX_TYPE_METRICS_SAMPLER, "publication", publication, NULL);
}

/**
 * mctx_metrics_sampler_new_for_context:
 * @context: the context to sample
 *
 * Creates a sampler of a context's lifetime totals.
 *
 * Returns: (transfer full): a new sampler
 *
 * Since: 1.0
 */
MctxMetricsSampler *
mctx_metrics_sampler_new_for_context (MctxContext *context)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (context), NULL);

  return g_object_new (MCTX_TYPE_METRICS_SAMPLER, "context", context, NULL);
}

/**
 * mctx_metrics_sampler_sample:
 * @self: a sampler
 *
 * Takes a snapshot and returns what changed since the previous one.
 *
 * Returns: (transfer full) (nullable): the delta since the previous
 *   sample, or %NULL on the first
 *
 * Since: 1.0
 */
MctxMetricsDelta *
mctx_metrics_sampler_sample (MctxMetricsSampler *self)
{
  MctxMetricsSnapshot *now;
  MctxMetricsDelta *delta = NULL;

  g_return_val_if_fail (MCTX_IS_METRICS_SAMPLER (self), NULL);

  if (self->publication != NULL)
    now = mctx_publication_snapshot_metrics (self->publication);
  else
    now = mctx_context_snapshot_metrics (self->context);

  /* A build that counts nothing has nothing to sample. */
  if (now == NULL)
    return NULL;

  /* Snapshots of one source only grow, so this cannot fail. */
  if (self->last != NULL)
    delta = _mctx_metrics_delta_new (self->last, now);

  g_clear_pointer (&self->last, mctx_metrics_snapshot_unref);
  self->last = now;

  return delta;
}

/**
 * mctx_metrics_sampler_get_last_snapshot:
 * @self: a sampler
 *
 * Gets the snapshot of the latest sample.
 *
 * Returns: (transfer none) (nullable): the snapshot, or %NULL before the
 *   first sample
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_metrics_sampler_get_last_snapshot (MctxMetricsSampler *self)
{
  g_return_val_if_fail (MCTX_IS_METRICS_SAMPLER (self), NULL);

  return self->last;
}
