package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Money is an amount in pence. SBRI amounts are VAT inclusive unless a field says otherwise.
type Money int64

// Pounds makes an amount from whole pounds.
func Pounds(p int64) Money { return Money(p * 100) }

// String formats the amount as a page shows it: £50,000.00.
func (m Money) String() string {
	neg := m < 0
	v := int64(m)
	if neg {
		v = -v
	}
	whole := fmt.Sprintf("%d", v/100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s£%s.%02d", sign, b.String(), v%100)
}

// PhaseCaps are the money limits of one phase's competition.
type PhaseCaps struct {
	Pot          Money // total the phase may commit
	MaxContract  Money // most one contract may be worth
	MaxContracts int   // most contracts the phase may award; 0 means no limit beyond the pot
}

// The ranges a competition's money must fall in. A pot above MaxPot is a typing mistake in a
// programme whose phases commit tens of thousands to a few million pounds.
const (
	MaxPot       = Money(50_000_000 * 100)
	MaxContracts = 50
)

// Validate refuses caps no competition can live with, naming every problem.
func (c PhaseCaps) Validate() error {
	var ps Problems
	switch {
	case c.Pot <= 0:
		ps.Add("pot_pence", "the pot must be more than £0")
	case c.Pot > MaxPot:
		ps.Add("pot_pence", "the pot must be %s or less", MaxPot)
	}
	switch {
	case c.MaxContract <= 0:
		ps.Add("max_contract_pence", "the maximum per contract must be more than £0")
	case c.Pot > 0 && c.MaxContract > c.Pot:
		ps.Add("max_contract_pence", "the maximum per contract (%s) cannot be more than the pot (%s)", c.MaxContract, c.Pot)
	}
	if c.MaxContracts < 1 || c.MaxContracts > MaxContracts {
		ps.Add("max_contracts", "the number of contracts must be from 1 to %d", MaxContracts)
	}
	return ps.Err()
}

// DefaultCaps are the GovTech Catalyst defaults: phase 1 up to £50,000 a contract for about five
// contracts; phase 2 up to £500,000 a contract for up to two.
func DefaultCaps(phase int) PhaseCaps {
	if phase == 2 {
		return PhaseCaps{Pot: Pounds(1_000_000), MaxContract: Pounds(500_000), MaxContracts: 2}
	}
	return PhaseCaps{Pot: Pounds(250_000), MaxContract: Pounds(50_000), MaxContracts: 5}
}

// Errors a money rule wraps.
var (
	// ErrOverPot: committing the amount would take spend past the phase's pot.
	ErrOverPot = errors.New("over the pot")
	// ErrOverContractCap: the amount is above the most one contract may be worth.
	ErrOverContractCap = errors.New("over the maximum per contract")
	// ErrTooManyContracts: the phase has awarded all the contracts it may.
	ErrTooManyContracts = errors.New("no contracts left")
)

// maxPounds keeps amounts far from int64 overflow: £90 trillion in pence still fits with room
// for sums of thousands of contracts.
const maxPounds = 90_000_000_000_000 / 1000

// ParseMoney reads an amount as people type it: "50000", "50,000", "50000.50", "£50,000.00".
// Commas must group thousands; pence, if given, are one or two digits. Abbreviations ("£50k"),
// negative amounts and amounts too large to be real are refused, saying what to type instead.
func ParseMoney(s string) (Money, error) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "£")
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, InvalidInput("enter an amount in pounds, like 50,000 or 50000.50")
	}
	if strings.HasPrefix(s, "-") {
		return 0, InvalidInput("%q is negative: enter an amount of £0 or more", orig)
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, InvalidInput("%q has a comma in the wrong place: write thousands like 50,000", orig)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, InvalidInput("%q has a comma in the wrong place: write thousands like 50,000", orig)
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || (hasFrac && (!allDigits(frac) || len(frac) == 0 || len(frac) > 2)) {
		return 0, InvalidInput("%q is not an amount: use digits only, like 50,000 or 50000.50 (not 50k)", orig)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > len(fmt.Sprint(int64(maxPounds))) {
		return 0, InvalidInput("%q is too large to be a real amount", orig)
	}
	var pounds int64
	for _, r := range whole {
		pounds = pounds*10 + int64(r-'0')
	}
	if pounds > maxPounds {
		return 0, InvalidInput("%q is too large to be a real amount", orig)
	}
	var pence int64
	if hasFrac {
		for _, r := range frac {
			pence = pence*10 + int64(r-'0')
		}
		if len(frac) == 1 {
			pence *= 10
		}
	}
	return Money(pounds*100 + pence), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// VATRate is a VAT rate in basis points: 2000 is 20%.
type VATRate int

// StandardVAT is the UK standard rate, 20%.
const StandardVAT VATRate = 2000

// GrossFromNet adds VAT to a net amount, rounding half a penny up.
func GrossFromNet(net Money, rate VATRate) Money {
	return Money(divRound(int64(net)*(10000+int64(rate)), 10000))
}

// NetFromGross takes VAT out of a VAT-inclusive amount, rounding half a penny up. For any net
// amount n, NetFromGross(GrossFromNet(n, r), r) == n.
func NetFromGross(gross Money, rate VATRate) Money {
	return Money(divRound(int64(gross)*10000, 10000+int64(rate)))
}

// divRound divides non-negative a by positive b, rounding half up.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (a + b/2) / b
}

// AboveMaximum is the maximum-per-contract rule, the one place an amount (VAT included) is
// compared with it: by how much the amount is above the maximum, if it is (none without one).
func AboveMaximum(amount, maximum Money) (Money, bool) {
	if maximum <= 0 || amount <= maximum {
		return 0, false
	}
	return amount - maximum, true
}

func (c PhaseCaps) overMaximum(amount Money) bool {
	_, over := AboveMaximum(amount, c.MaxContract)
	return over
}

// Commit checks an amount against all three caps, given what the phase has committed so far and
// how many contracts it has awarded, and says which cap it would break.
func (c PhaseCaps) Commit(committed Money, contracts int, amount Money) error {
	switch {
	case amount <= 0:
		return InvalidInput("the amount must be more than £0")
	case c.overMaximum(amount):
		return fmt.Errorf("%w: %s is above the %s maximum per contract", ErrOverContractCap, amount, c.MaxContract)
	case c.MaxContracts > 0 && contracts >= c.MaxContracts:
		return fmt.Errorf("%w: all %d contracts have been awarded", ErrTooManyContracts, c.MaxContracts)
	case committed+amount > c.Pot:
		return fmt.Errorf("%w: %s would take spend to %s, past the %s pot by %s", ErrOverPot, amount, committed+amount, c.Pot, committed+amount-c.Pot)
	}
	return nil
}
