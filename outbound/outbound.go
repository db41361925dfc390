// Package outbound decides which addresses Catalyst's own calls out may reach: a webhook
// receiver someone registered is a URL from outside, and without a check it could point the
// server at its own network (a cloud's metadata service, a database, an admin page), with each
// delivery's answer shown back. Every address in IANA's special-purpose registries (private,
// loopback, link-local, unique-local, shared 100.64/10 and the rest) is refused unless the
// operator allows its range; the check is made on the resolved address as each connection is
// dialled, so a name that resolves elsewhere later (DNS rebinding) is caught too.
//
// The registries' ranges come from code.dny.dev/ssrf, which generates them from IANA's own
// files: a kept list is safer than one written here.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// Loopback is this machine's own addresses: what `catalyst dev` allows, for trying a receiver
// out beside it.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Policy is which addresses calls out may reach: the public internet, and the ranges the
// operator allows. The zero value and nil allow the public internet only.
type Policy struct {
	allowed []netip.Prefix
	guard   *ssrf.Guardian
}

// NewPolicy allows the public internet and the given ranges.
func NewPolicy(allowed ...netip.Prefix) *Policy {
	var v4, v6 []netip.Prefix
	for _, p := range allowed {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return &Policy{allowed: allowed, guard: ssrf.New(ssrf.WithAnyPort(),
		ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...))}
}

// ParseAllowed reads ranges as the operator writes them: CIDR prefixes or single addresses,
// separated by commas or spaces ("10.20.0.0/16, 192.168.4.7").
func ParseAllowed(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a range like 10.20.0.0/16 or an address like 192.168.4.7", f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Allowed describes the ranges allowed beyond the public internet, for a start-up line.
func (p *Policy) Allowed() string {
	if p == nil || len(p.allowed) == 0 {
		return "the public internet only"
	}
	s := make([]string, len(p.allowed))
	for i, a := range p.allowed {
		s[i] = a.String()
	}
	return "the public internet and " + strings.Join(s, ", ")
}

func (p *Policy) guardian() *ssrf.Guardian {
	if p == nil || p.guard == nil {
		return NewPolicy().guard
	}
	return p.guard
}

// Refused is a call out refused by the policy: it names the address, never what is there.
type Refused struct{ Addr netip.Addr }

func (r *Refused) Error() string {
	return fmt.Sprintf("%s is not on the public internet, and Catalyst calls inside its own network only where the operator allows it", r.Addr)
}

// Check says whether an address may be called. An IPv4 address written as IPv6
// (::ffff:127.0.0.1) is judged as the IPv4 address it is.
func (p *Policy) Check(a netip.Addr) error {
	a = a.Unmap()
	if err := p.guardian().SafeAddr(a); err != nil {
		return &Refused{Addr: a}
	}
	return nil
}

// CheckHost resolves host and checks every address it has, as a registration does before
// anything is sent. A host that does not resolve has nothing to check: each connection is
// checked again when dialled. A host written as a number in a short or other base (127.1,
// 0x7f000001), which resolvers read differently, is refused outright.
func (p *Policy) CheckHost(ctx context.Context, host string) error {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return p.Check(a)
	}
	if numeric(host) {
		return fmt.Errorf("%s is not written as a whole address: write an IPv4 address as four numbers, like 203.0.113.7, or use the host's name", host)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.Check(a); err != nil {
			return err
		}
	}
	return nil
}

// numeric reports a host made only of digits and dots, or hexadecimal: a number, not a name.
func numeric(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if strings.HasPrefix(h, "0x") {
		return true
	}
	return h != "" && strings.Trim(h, "0123456789.") == ""
}

// control is the dialer's check, on the address it is about to connect to.
func (p *Policy) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("outbound: an address to dial that is not host:port: %q", address)
	}
	return p.Check(ap.Addr())
}

// Dialer connects only where the policy allows, checking each address as it is dialled.
func (p *Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: p.control}
}

// Transport is an HTTP transport whose every connection is checked. It uses no proxy from the
// environment: a proxy would make the connection the policy never sees.
func (p *Policy) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.Dialer(10 * time.Second).DialContext
	return t
}

// IsRefused reports whether err is (or wraps) a refusal by the policy, and its address.
func IsRefused(err error) (*Refused, bool) {
	var r *Refused
	return r, errors.As(err, &r)
}
