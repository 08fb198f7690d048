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
 * See also: [Send metrics and the JSONL file](metrics.html).
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

/* A snapshot of the sampled source, stamped now or, for @at_us >= 0, at
 * that monotonic time (the wall-clock time moved by as much). */
static MctxMetricsSnapshot *
take_snapshot (MctxMetricsSampler *self,
               gint64              at_us)
{
  MctxMetricsSnapshot *now;
  MctxMetricsSnapshot *stamped;

  if (self->publication != NULL)
    now = mctx_publication_snapshot_metrics (self->publication);
  else
    now = mctx_context_snapshot_metrics (self->context);

  /* A build that counts nothing has nothing to sample. */
  if (now == NULL || at_us < 0)
    return now;

  stamped = _mctx_metrics_snapshot_new_at (now, at_us);
  mctx_metrics_snapshot_unref (now);
  return stamped;
}

/* Makes @now the baseline, returning the delta from the previous one. */
static MctxMetricsDelta *
advance (MctxMetricsSampler  *self,
         MctxMetricsSnapshot *now,
         GError             **error)
{
  MctxMetricsDelta *delta = NULL;

  if (now == NULL)
    return NULL;

  if (self->last != NULL)
    {
      delta = mctx_metrics_snapshot_delta (now, self->last, error);
      if (delta == NULL)
        {
          mctx_metrics_snapshot_unref (now);
          return NULL;
        }
    }

  g_clear_pointer (&self->last, mctx_metrics_snapshot_unref);
  self->last = now;
  return delta;
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
  g_return_val_if_fail (MCTX_IS_METRICS_SAMPLER (self), NULL);

  /* Snapshots of one source taken in turn only grow: this cannot fail. */
  return advance (self, take_snapshot (self, -1), NULL);
}

/**
 * mctx_metrics_sampler_sample_at:
 * @self: a sampler
 * @monotonic_us: the instant to stamp the sample with, on the monotonic
 *   clock of g_get_monotonic_time()
 * @error: return location for a #GError
 *
 * Samples as [method@Mctx.MetricsSampler.sample] does, stamped with
 * @monotonic_us instead of the time of the call: for a harness that samples
 * on a schedule of its own and wants intervals and rates over its ticks,
 * not over when the call happened to run. The counters are the current
 * ones.
 *
 * Returns: (transfer full) (nullable): the delta since the previous
 *   sample, or %NULL on the first; %NULL with
 *   %MCTX_ERROR_METRICS_MISMATCH when @monotonic_us is before the previous
 *   sample's instant (the previous sample stays the baseline)
 *
 * Since: 1.0
 */
MctxMetricsDelta *
mctx_metrics_sampler_sample_at (MctxMetricsSampler  *self,
                                gint64               monotonic_us,
                                GError             **error)
{
  g_return_val_if_fail (MCTX_IS_METRICS_SAMPLER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (monotonic_us < 0)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH,
                   _("Invalid sampling instant %lld µs: monotonic times are not negative"),
                   (long long) monotonic_us);
      return NULL;
    }

  return advance (self, take_snapshot (self, monotonic_us), error);
}

/**
 * mctx_metrics_sampler_sample_if_elapsed:
 * @self: a sampler
 * @seconds: the least interval a delta may cover
 *
 * Samples only once @seconds have passed since the previous sample: a
 * delta over at least that duration, or %NULL while it has not passed, the
 * previous sample staying the baseline. The first call takes the baseline.
 *
 * Returns: (transfer full) (nullable): the delta, or %NULL
 *
 * Since: 1.0
 */
MctxMetricsDelta *
mctx_metrics_sampler_sample_if_elapsed (MctxMetricsSampler *self,
                                        double              seconds)
{
  g_return_val_if_fail (MCTX_IS_METRICS_SAMPLER (self), NULL);

  if (self->last != NULL &&
      g_get_monotonic_time () - mctx_metrics_snapshot_get_monotonic_time (self->last) <
      seconds * G_USEC_PER_SEC)
    return NULL;

  return mctx_metrics_sampler_sample (self);
}

/**
 * mctx_metrics_sampler_reset:
 * @self: a sampler
 *
 * Forgets the previous sample: the next one takes a new baseline (and
 * returns %NULL), as the first did. For a harness that starts a new phase
 * of a run and does not want its deltas to span the pause in between.
 *
 * Since: 1.0
 */
void
mctx_metrics_sampler_reset (MctxMetricsSampler *self)
{
  g_return_if_fail (MCTX_IS_METRICS_SAMPLER (self));

  g_clear_pointer (&self->last, mctx_metrics_snapshot_unref);
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
