package webhook

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/outbound"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// A receiver verifies a delivery with the specification's own library, under the old secret
// and under the new one while a rotation is under way; a tampered body or a stale timestamp
// fails.
func TestAReceiverVerifiesADelivery(t *testing.T) {
	old, fresh := NewSecret(), NewSecret()
	var got *http.Request
	var body []byte
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rx.Close()
	payload := []byte(`{"type":"contract.gate_stop","timestamp":"2027-01-04T09:00:00Z","data":{"record_type":"contract","record_id":7}}`)
	res := NewClient(outbound.NewPolicy(outbound.Loopback...)).Send(context.Background(), rx.URL, "msg_42", time.Now(), payload, []string{old, fresh})
	if !res.Delivered() || res.Status != http.StatusNoContent {
		t.Fatalf("delivery: %+v", res)
	}
	for _, secret := range []string{old, fresh} {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, got.Header); err != nil {
			t.Errorf("the receiver could not verify the delivery: %v", err)
		}
	}
	wh, _ := standardwebhooks.NewWebhook(old)
	if err := wh.Verify([]byte(strings.Replace(string(body), "7", "8", 1)), got.Header); err == nil {
		t.Error("a tampered body verified")
	}
	stale := got.Header.Clone()
	sig, _ := Sign([]string{old}, "msg_42", time.Now().Add(-time.Hour), body)
	stale.Set("webhook-timestamp", strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10))
	stale.Set("webhook-signature", sig)
	if err := wh.Verify(body, stale); err == nil {
		t.Error("an hour-old delivery verified")
	}
	if other, _ := standardwebhooks.NewWebhook(NewSecret()); other.Verify(body, got.Header) == nil {
		t.Error("another secret verified it")
	}
	if got.Header.Get("webhook-id") != "msg_42" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", got.Header)
	}
}

func TestAFailedDeliverySaysWhy(t *testing.T) {
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	here := NewClient(outbound.NewPolicy(outbound.Loopback...))
	res := here.Send(context.Background(), rx.URL, "msg_1", time.Now(), []byte(`{}`), []string{NewSecret()})
	if res.Delivered() || res.Status != http.StatusBadGateway || !strings.Contains(res.Error, "502") {
		t.Errorf("%+v", res)
	}
	rx.Close()
	res = here.Send(context.Background(), rx.URL, "msg_1", time.Now(), []byte(`{}`), []string{NewSecret()})
	if res.Delivered() || res.Status != 0 || !strings.Contains(res.Error, "did not answer") {
		t.Errorf("%+v", res)
	}
}

// TestADeliveryInsideTheNetworkIsNotSent: with the public internet only allowed (production's
// default), a receiver on this machine is never connected to, by its address or by a name that
// resolves to it, and the delivery says why without anything from inside.
func TestADeliveryInsideTheNetworkIsNotSent(t *testing.T) {
	var reached atomic.Int32
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer rx.Close()
	_, port, _ := net.SplitHostPort(rx.Listener.Addr().String())
	for _, url := range []string{rx.URL, "http://localhost:" + port + "/hook", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		res := NewClient(nil).Send(context.Background(), url, "msg_1", time.Now(), []byte(`{}`), []string{NewSecret()})
		if res.Delivered() || !res.Refused || res.Status != 0 || !strings.Contains(res.Error, "not on the public internet") {
			t.Errorf("%s: %+v", url, res)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the receiver inside was reached %d times", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
