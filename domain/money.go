package domain

import (
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

// Validate refuses caps that cannot be right.
func (c PhaseCaps) Validate() error {
	switch {
	case c.Pot <= 0:
		return InvalidInput("the pot must be more than £0")
	case c.MaxContract <= 0:
		return InvalidInput("the maximum per contract must be more than £0")
	case c.MaxContract > c.Pot:
		return InvalidInput("the maximum per contract (%s) cannot be more than the pot (%s)", c.MaxContract, c.Pot)
	case c.MaxContracts < 0:
		return InvalidInput("the number of contracts cannot be negative")
	}
	return nil
}

// DefaultCaps are the GovTech Catalyst defaults: phase 1 up to £50,000 a contract for about five
// contracts; phase 2 up to £500,000 a contract for up to two.
func DefaultCaps(phase int) PhaseCaps {
	if phase == 2 {
		return PhaseCaps{Pot: Pounds(1_000_000), MaxContract: Pounds(500_000), MaxContracts: 2}
	}
	return PhaseCaps{Pot: Pounds(250_000), MaxContract: Pounds(50_000), MaxContracts: 5}
}
