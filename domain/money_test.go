package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	good := map[string]Money{
		"50000":          Pounds(50_000),
		"50,000":         Pounds(50_000),
		"£50,000.00":     Pounds(50_000),
		" £ 50000.50 ":   5_000_050,
		"50000.5":        5_000_050, // one decimal place means tens of pence
		"0.05":           5,
		".99":            99,
		"1,234,567.89":   123_456_789,
		"0":              0,
		"007":            700,
		"90,000,000,000": Pounds(90_000_000_000),
	}
	for in, want := range good {
		got, err := ParseMoney(in)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                        "enter an amount",
		"£50k":                    "not 50k",
		"50k":                     "not 50k",
		"-5":                      "negative",
		"50,00":                   "comma in the wrong place",
		"5,0000":                  "comma in the wrong place",
		",500":                    "comma in the wrong place",
		"50.123":                  "not an amount",
		"50.":                     "not an amount",
		"fifty":                   "not an amount",
		"1e6":                     "not an amount",
		"90000000000001":          "too large",
		"99999999999999999999999": "too large",
	}
	for in, want := range bad {
		_, err := ParseMoney(in)
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMoney(%q) error = %v, want one saying %q", in, err, want)
		}
	}
}

// FuzzParseMoney: whatever is typed, parsing never panics, never gives a negative amount, and
// what it accepts formats back to something it reads as the same amount.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"50,000", "£50,000.00", "50000.5", "£50k", "-1", "1,2,3", "", "9999999999999999999", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("ParseMoney(%q) failed without saying what to fix: %v", s, err)
			}
			return
		}
		if m < 0 {
			t.Fatalf("ParseMoney(%q) = %d, negative", s, m)
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %s, which reads back as %s, %v", s, m, back, err)
		}
	})
}

func TestVAT(t *testing.T) {
	cases := []struct {
		net, gross Money
		rate       VATRate
	}{
		{Pounds(100), Pounds(120), StandardVAT},            // 100 × 1.2 = 120
		{Pounds(41_666) + 67, Pounds(50_000), StandardVAT}, // 50,000 / 1.2 = 41,666.666… → 41,666.67
		{1, 1, StandardVAT},                                // 1p × 1.2 = 1.2p → 1p
		{3, 4, StandardVAT},                                // 3p × 1.2 = 3.6p → 4p
		{Pounds(100), Pounds(105), 500},                    // 5% reduced rate
		{Pounds(100), Pounds(100), 0},                      // zero rate
	}
	for _, c := range cases {
		if g := GrossFromNet(c.net, c.rate); g != c.gross {
			t.Errorf("GrossFromNet(%s, %d) = %s, want %s", c.net, c.rate, g, c.gross)
		}
	}
	if n := NetFromGross(Pounds(50_000), StandardVAT); n != Pounds(41_666)+67 {
		t.Errorf("NetFromGross(£50,000) = %s, want £41,666.67", n)
	}
	// Property: net → gross → net is exact for every penny amount, at every common rate.
	for _, rate := range []VATRate{0, 500, StandardVAT} {
		for net := Money(0); net < 200_000; net += 7 {
			if back := NetFromGross(GrossFromNet(net, rate), rate); back != net {
				t.Fatalf("rate %d: %s → %s → %s", rate, net, GrossFromNet(net, rate), back)
			}
		}
	}
}

func TestCommitSaysWhichCapItWouldBreak(t *testing.T) {
	caps := PhaseCaps{Pot: Pounds(100_000), MaxContract: Pounds(50_000), MaxContracts: 2}
	cases := []struct {
		name      string
		committed Money
		contracts int
		amount    Money
		want      error
		says      string
	}{
		{"fits", 0, 0, Pounds(50_000), nil, ""},
		{"exactly fills the pot (50k + 50k = 100k)", Pounds(50_000), 1, Pounds(50_000), nil, ""},
		{"over the contract cap", 0, 0, Pounds(50_000) + 1, ErrOverContractCap, "£50,000.01 is above the £50,000.00 maximum"},
		{"count used up", Pounds(60_000), 2, Pounds(1_000), ErrTooManyContracts, "all 2 contracts"},
		{"over the pot by £1 (60k + 41k = 101k)", Pounds(60_000), 1, Pounds(41_000), ErrOverPot, "past the £100,000.00 pot by £1,000.00"},
	}
	for _, c := range cases {
		err := caps.Commit(c.committed, c.contracts, c.amount)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v; want %v saying %q", c.name, err, c.want, c.says)
		}
	}
	if err := caps.Commit(0, 0, 0); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("a zero amount: %v", err)
	}
}
