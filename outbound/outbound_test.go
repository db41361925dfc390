package outbound

import (
	"context"
	"net/netip"
	"strings"
	"testing"
)

// TestTheInsideIsRefusedAndTheInternetIsNot: every host a tester tried to point a webhook at
// inside the network is refused before anything is sent; a public address and a range the
// operator allows are not.
func TestTheInsideIsRefusedAndTheInternetIsNot(t *testing.T) {
	ctx := context.Background()
	production := NewPolicy()
	for _, host := range []string{"169.254.169.254", "10.0.0.1", "192.168.1.1", "172.16.5.4", "127.0.0.1", "127.1",
		"0x7f000001", "2130706433", "[::ffff:127.0.0.1]", "::1", "100.64.0.1", "fd00::1", "fe80::1", "0.0.0.0", "localhost"} {
		err := production.CheckHost(ctx, host)
		if err == nil {
			t.Errorf("%s was allowed", host)
		}
	}
	if err := production.CheckHost(ctx, "10.0.0.1"); err == nil || !strings.Contains(err.Error(), "10.0.0.1 is not on the public internet") {
		t.Errorf("the refusal names the address and why: %v", err)
	}
	for _, host := range []string{"1.1.1.1", "2a00:1450:4009:81f::200e", "finance.example"} {
		if err := production.CheckHost(ctx, host); err != nil {
			t.Errorf("%s was refused: %v", host, err)
		}
	}
	allowed, err := ParseAllowed("10.20.0.0/16, 192.168.4.7")
	if err != nil {
		t.Fatal(err)
	}
	office := NewPolicy(allowed...)
	for host, ok := range map[string]bool{"10.20.3.4": true, "192.168.4.7": true, "10.21.0.1": false, "192.168.4.8": false, "127.0.0.1": false} {
		if err := office.CheckHost(ctx, host); (err == nil) != ok {
			t.Errorf("with %s allowed, %s: %v", office.Allowed(), host, err)
		}
	}
	if err := NewPolicy(Loopback...).Check(netip.MustParseAddr("::ffff:127.0.0.1")); err != nil {
		t.Errorf("loopback allowed, an IPv4 loopback written as IPv6: %v", err)
	}
	if _, err := ParseAllowed("10.20.0.0/33"); err == nil || !strings.Contains(err.Error(), "10.20.0.0/33") {
		t.Errorf("a bad range: %v", err)
	}
}
