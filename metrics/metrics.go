// Package metrics is what Catalyst tells Prometheus: request latency by route, commands
// refused by reason, the lag of the outbox, of email and of webhooks, sends failed, and the
// Temporal SDK's own workflow and activity metrics. One registry per process; the API serves
// it at /metrics, the worker on its health address.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
)

// Metrics is one process's registry and the metrics Catalyst records itself.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.HistogramVec
	refused  *prometheus.CounterVec
	notReady *prometheus.CounterVec
	temporal client.MetricsHandler
	closer   func()
}

// New makes a registry with the Go runtime's and the process's own metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "catalyst_http_request_duration_seconds", Help: "How long requests took, by route (its pattern, not its IDs), method and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "catalyst_commands_refused_total", Help: "Requests refused with a problem a person can act on, by the problem's code.",
		}, []string{"reason"}),
	}
	m.notReady = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "catalyst_readiness_failures_total", Help: "Readiness checks that failed, by the part that did not answer (the reason is in the log).",
	}, []string{"part"})
	reg.MustRegister(m.requests, m.refused, m.notReady)
	// The Temporal SDK reports through tally; its reporter writes into this registry.
	reporter := tallyprom.NewReporter(tallyprom.Options{Registerer: reg})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter: reporter, Separator: tallyprom.DefaultSeparator,
		// tally's own series count its metrics under names Prometheus's conventions refuse.
		OmitCardinalityMetrics: true,
		SanitizeOptions: &tally.SanitizeOptions{
			NameCharacters:       tally.ValidCharacters{Ranges: tally.AlphanumericRange, Characters: tally.UnderscoreCharacters},
			KeyCharacters:        tally.ValidCharacters{Ranges: tally.AlphanumericRange, Characters: tally.UnderscoreCharacters},
			ValueCharacters:      tally.ValidCharacters{Ranges: tally.AlphanumericRange, Characters: tally.UnderscoreCharacters},
			ReplacementCharacter: tally.DefaultReplacementCharacter,
		},
	}, time.Second)
	m.temporal = prometheusNames{sdktally.NewMetricsHandler(scope)}
	m.closer = func() { _ = closer.Close() }
	return m
}

// NotReady counts a readiness check that failed because part did not answer.
func (m *Metrics) NotReady(part string) { m.notReady.WithLabelValues(part).Inc() }

// Temporal is the handler a Temporal client reports its workflow and activity metrics to.
func (m *Metrics) Temporal() client.MetricsHandler { return m.temporal }

// Close flushes the Temporal metrics.
func (m *Metrics) Close() { m.closer() }

// Request records one request's time.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(took.Seconds())
}

// prometheusNames gives the Temporal SDK's metrics the names Prometheus's conventions ask for
// (https://prometheus.io/docs/practices/naming/): a counter ends in _total and a timer, which
// tally reports in seconds, in _seconds. The SDK names them for any backend.
type prometheusNames struct{ client.MetricsHandler }

func (h prometheusNames) WithTags(tags map[string]string) client.MetricsHandler {
	return prometheusNames{h.MetricsHandler.WithTags(tags)}
}

func (h prometheusNames) Counter(name string) client.MetricsCounter {
	return h.MetricsHandler.Counter(strings.TrimSuffix(name, "_total") + "_total")
}

func (h prometheusNames) Timer(name string) client.MetricsTimer {
	return h.MetricsHandler.Timer(strings.TrimSuffix(name, "_seconds") + "_seconds")
}

// Refused counts a refusal by its problem's code.
func (m *Metrics) Refused(reason string) { m.refused.WithLabelValues(reason).Inc() }

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// WatchStore adds what the database says at each scrape: the outbox waiting and its oldest
// row's age, emails and webhook deliveries by state and the oldest still waiting.
func (m *Metrics) WatchStore(db *ent.Client) {
	m.Registry.MustRegister(&store{db: db})
}

type store struct{ db *ent.Client }

var (
	outboxWaiting = prometheus.NewDesc("catalyst_outbox_waiting", "Outbox rows not yet relayed to their workflow.", nil, nil)
	outboxLag     = prometheus.NewDesc("catalyst_outbox_lag_seconds", "How long the oldest outbox row not yet relayed has waited.", nil, nil)
	emails        = prometheus.NewDesc("catalyst_emails", "Emails by state: pending, sending, sent, failed (sends failed for good).", []string{"state"}, nil)
	emailLag      = prometheus.NewDesc("catalyst_email_lag_seconds", "How long the oldest notice's email still waiting has waited.", nil, nil)
	deliveries    = prometheus.NewDesc("catalyst_webhook_deliveries", "Webhook deliveries by state: pending, delivered, failed.", []string{"state"}, nil)
	webhookLag    = prometheus.NewDesc("catalyst_webhook_lag_seconds", "How long the oldest webhook delivery still waiting has waited.", nil, nil)
	storeUp       = prometheus.NewDesc("catalyst_store_up", "1 if the database answered this scrape.", nil, nil)
)

func (s *store) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{outboxWaiting, outboxLag, emails, emailLag, deliveries, webhookLag, storeUp} {
		ch <- d
	}
}

func (s *store) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ctx = authz.AsSystem(ctx, "metrics")
	up := 1.0
	defer func() { ch <- prometheus.MustNewConstMetric(storeUp, prometheus.GaugeValue, up) }()
	now := time.Now()
	age := func(t time.Time, err error) float64 {
		if err != nil || t.IsZero() {
			return 0
		}
		return now.Sub(t).Seconds()
	}

	waiting, err := s.db.OutboxMessage.Query().Where(outboxmessage.SentAtIsNil()).Count(ctx)
	if err != nil {
		up = 0
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxWaiting, prometheus.GaugeValue, float64(waiting))
	oldest, err := s.db.OutboxMessage.Query().Where(outboxmessage.SentAtIsNil()).Order(ent.Asc(outboxmessage.FieldID)).First(ctx)
	ch <- prometheus.MustNewConstMetric(outboxLag, prometheus.GaugeValue, age(createdAt(oldest, err)))

	var byState []struct {
		State string `json:"state"`
		Count int    `json:"count"`
	}
	if err := s.db.Email.Query().GroupBy(email.FieldState).Aggregate(ent.Count()).Scan(ctx, &byState); err == nil {
		counts := map[string]int{"pending": 0, "sending": 0, "sent": 0, "failed": 0}
		for _, r := range byState {
			counts[r.State] = r.Count
		}
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(emails, prometheus.GaugeValue, float64(n), st)
		}
	}
	e, err := s.db.Email.Query().Where(email.StateIn(email.StatePending, email.StateSending)).Order(ent.Asc(email.FieldID)).First(ctx)
	ch <- prometheus.MustNewConstMetric(emailLag, prometheus.GaugeValue, age(emailCreated(e, err)))

	byState = nil
	if err := s.db.WebhookDelivery.Query().GroupBy(webhookdelivery.FieldState).Aggregate(ent.Count()).Scan(ctx, &byState); err == nil {
		counts := map[string]int{"pending": 0, "delivered": 0, "failed": 0}
		for _, r := range byState {
			counts[r.State] = r.Count
		}
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(deliveries, prometheus.GaugeValue, float64(n), st)
		}
	}
	d, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.StateEQ(webhookdelivery.StatePending)).Order(ent.Asc(webhookdelivery.FieldID)).First(ctx)
	if err == nil {
		ch <- prometheus.MustNewConstMetric(webhookLag, prometheus.GaugeValue, now.Sub(d.CreatedAt).Seconds())
	} else {
		ch <- prometheus.MustNewConstMetric(webhookLag, prometheus.GaugeValue, 0)
	}
}

func createdAt(m *ent.OutboxMessage, err error) (time.Time, error) {
	if err != nil {
		return time.Time{}, err
	}
	return m.CreatedAt, nil
}

func emailCreated(e *ent.Email, err error) (time.Time, error) {
	if err != nil {
		return time.Time{}, err
	}
	return e.CreatedAt, nil
}
