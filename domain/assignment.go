package domain

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// AssignBid is a bid as the assignment sees it: whose it is and what it is about.
type AssignBid struct {
	ID           int
	Organisation string
	EmailDomain  string
	Tags         []string // expertise the bid needs
}

// AssignAssessor is an assessor as the assignment sees them.
type AssignAssessor struct {
	ID           int
	Name         string
	Organisation string
	EmailDomain  string
	// DeclaredInterests are organisations the assessor has declared an interest in.
	DeclaredInterests []string
	Expertise         []string
	MaxLoad           int // most bids they will assess
}

// Pair puts one assessor on one bid, with the reason a person can read.
type Pair struct {
	BidID      int
	AssessorID int
	Why        string
}

// AssignmentProblem is who to assign to what. Keep lists pairings that stand from an earlier
// assignment (incremental re-solve): they are kept unless they now break a hard rule.
type AssignmentProblem struct {
	Bids      []AssignBid
	Assessors []AssignAssessor
	PerBid    int
	Keep      []Pair
	// Declined are pairings an assessor turned down: never made again.
	Declined []Pair
}

// Shortfall is a bid that could not get all its assessors, and why.
type Shortfall struct {
	BidID    int
	Assigned int
	Needed   int
	Reason   string
}

// Assignment is the solution: every pairing (kept and new), and the bids it could not cover.
type Assignment struct {
	Pairs     []Pair
	Uncovered []Shortfall
	Dropped   []Pair // kept pairings that now break a hard rule, with the rule in Why
}

// Conflict says whether an assessor may not assess a bid, and why: the same organisation, the
// same email domain, or an interest they declared in the supplier.
func Conflict(b AssignBid, a AssignAssessor) (string, bool) {
	switch {
	case b.Organisation != "" && strings.EqualFold(strings.TrimSpace(b.Organisation), strings.TrimSpace(a.Organisation)):
		return "works for the supplier, " + b.Organisation, true
	case b.EmailDomain != "" && strings.EqualFold(b.EmailDomain, a.EmailDomain):
		return "shares the supplier's email domain, " + b.EmailDomain, true
	}
	for _, d := range a.DeclaredInterests {
		if b.Organisation != "" && strings.EqualFold(strings.TrimSpace(d), strings.TrimSpace(b.Organisation)) {
			return "declared an interest in " + b.Organisation, true
		}
	}
	return "", false
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// EmailDomain is the part of an email address after the last @, in lower case, for the
// same-domain conflict; "" when there is none.
func EmailDomain(email string) string {
	i := strings.LastIndex(email, "@")
	if i < 0 {
		return ""
	}
	return fold(email[i+1:])
}

// BalancedLoadCap is the most bids one assessor is given by default: an even share of the
// pairings needed, plus two of slack so conflicts can be worked around. It never drops below
// the share itself, so a full assignment is always possible when there are no conflicts.
func BalancedLoadCap(bids, perBid, assessors int) int {
	if assessors < 1 {
		return 0
	}
	share := (bids*perBid + assessors - 1) / assessors
	return share + 2
}

// conflicts indexes what Conflict checks, so a large assignment does not compare strings for
// every pair.
type conflicts struct {
	org, domain []string
	interests   []map[string]bool
}

func newConflicts(as []AssignAssessor) conflicts {
	c := conflicts{org: make([]string, len(as)), domain: make([]string, len(as)), interests: make([]map[string]bool, len(as))}
	for j, a := range as {
		c.org[j], c.domain[j] = fold(a.Organisation), fold(a.EmailDomain)
		if len(a.DeclaredInterests) > 0 {
			c.interests[j] = map[string]bool{}
			for _, d := range a.DeclaredInterests {
				c.interests[j][fold(d)] = true
			}
		}
	}
	return c
}

// has gives the same answer as Conflict(b, as[j]) for a bid whose organisation and domain are
// already folded.
func (c conflicts) has(org, domain string, j int) bool {
	return org != "" && (org == c.org[j] || c.interests[j][org]) || domain != "" && domain == c.domain[j]
}

func overlap(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// Costs of the optimisation: the k-th bid given to an assessor costs k×loadCost, so work spreads
// evenly; an assessor with none of the bid's expertise costs noExpertiseCost more. One step of
// load imbalance outweighs a missing expertise match only when it is larger than it.
const (
	loadCost        = 2
	noExpertiseCost = 3
)

// Assign gives every bid PerBid assessors, never one with a conflict, never the same assessor
// twice on a bid, never over an assessor's maximum load; among the assignments that cover the
// most, it spreads load evenly and prefers matching expertise. It is a min-cost maximum flow,
// so when a full cover exists it finds one; when none does, it covers as much as possible and
// says for each short bid why.
func Assign(p AssignmentProblem) Assignment {
	var out Assignment
	bidIdx := map[int]int{}
	for i, b := range p.Bids {
		bidIdx[b.ID] = i
	}
	asIdx := map[int]int{}
	for j, a := range p.Assessors {
		asIdx[a.ID] = j
	}
	load := make([]int, len(p.Assessors))
	have := make([]int, len(p.Bids))
	taken := map[[2]int]bool{} // kept pairings, and declined ones: neither is offered again
	for _, d := range p.Declined {
		if i, ok := bidIdx[d.BidID]; ok {
			if j, ok := asIdx[d.AssessorID]; ok {
				taken[[2]int{i, j}] = true
			}
		}
	}
	declined := len(taken)
	for _, k := range p.Keep {
		i, okB := bidIdx[k.BidID]
		j, okA := asIdx[k.AssessorID]
		switch {
		case !okB || !okA:
			k.Why = "the bid or the assessor is no longer in the assignment"
			out.Dropped = append(out.Dropped, k)
			continue
		case taken[[2]int{i, j}] && declined > 0 && isDeclined(p.Declined, k):
			k.Why = "the assessor declined it"
			out.Dropped = append(out.Dropped, k)
			continue
		case taken[[2]int{i, j}]:
			continue
		}
		if why, c := Conflict(p.Bids[i], p.Assessors[j]); c {
			k.Why = "conflict: " + why
			out.Dropped = append(out.Dropped, k)
			continue
		}
		if load[j] >= p.Assessors[j].MaxLoad || have[i] >= p.PerBid {
			k.Why = "over the assessor's maximum load or the bid's number of assessors"
			out.Dropped = append(out.Dropped, k)
			continue
		}
		taken[[2]int{i, j}] = true
		load[j]++
		have[i]++
		out.Pairs = append(out.Pairs, k)
	}

	// Nodes: 0 source, 1 sink, then assessors, then bids.
	nA, nB := len(p.Assessors), len(p.Bids)
	g := &flowGraph{n: 2 + nA + nB}
	src, sink := 0, 1
	aNode := func(j int) int { return 2 + j }
	bNode := func(i int) int { return 2 + nA + i }
	for j, a := range p.Assessors {
		for k := load[j]; k < a.MaxLoad; k++ {
			g.addEdge(src, aNode(j), 1, (k+1)*loadCost)
		}
	}
	cf := newConflicts(p.Assessors)
	expert := make([]map[string]bool, nA)
	for j, a := range p.Assessors {
		expert[j] = map[string]bool{}
		for _, x := range a.Expertise {
			expert[j][fold(x)] = true
		}
	}
	type pairEdge struct{ edge, bid, assessor int }
	var pairs []pairEdge
	for i, b := range p.Bids {
		if need := p.PerBid - have[i]; need > 0 {
			g.addEdge(bNode(i), sink, need, 0)
		} else {
			continue
		}
		org, dom := fold(b.Organisation), fold(b.EmailDomain)
		tags := make([]string, len(b.Tags))
		for k, x := range b.Tags {
			tags[k] = fold(x)
		}
		for j := range p.Assessors {
			if taken[[2]int{i, j}] || cf.has(org, dom, j) {
				continue
			}
			cost := 0
			if len(tags) > 0 {
				cost = noExpertiseCost
				for _, x := range tags {
					if expert[j][x] {
						cost = 0
						break
					}
				}
			}
			pairs = append(pairs, pairEdge{g.addEdge(aNode(j), bNode(i), 1, cost), i, j})
		}
	}
	g.build()
	g.minCostMaxFlow(src, sink)
	for _, pe := range pairs {
		if g.used(pe.edge) {
			load[pe.assessor]++
			have[pe.bid]++
			out.Pairs = append(out.Pairs, Pair{BidID: p.Bids[pe.bid].ID, AssessorID: p.Assessors[pe.assessor].ID})
		}
	}
	for n := range out.Pairs {
		i, j := bidIdx[out.Pairs[n].BidID], asIdx[out.Pairs[n].AssessorID]
		out.Pairs[n].Why = explainPair(p.Bids[i], p.Assessors[j], load[j])
	}
	sort.Slice(out.Pairs, func(x, y int) bool {
		if out.Pairs[x].BidID != out.Pairs[y].BidID {
			return out.Pairs[x].BidID < out.Pairs[y].BidID
		}
		return out.Pairs[x].AssessorID < out.Pairs[y].AssessorID
	})
	for i, b := range p.Bids {
		if have[i] >= p.PerBid {
			continue
		}
		out.Uncovered = append(out.Uncovered, Shortfall{BidID: b.ID, Assigned: have[i], Needed: p.PerBid, Reason: shortfallReason(p, i)})
	}
	return out
}

func isDeclined(declined []Pair, k Pair) bool {
	for _, d := range declined {
		if d.BidID == k.BidID && d.AssessorID == k.AssessorID {
			return true
		}
	}
	return false
}

func explainPair(b AssignBid, a AssignAssessor, load int) string {
	exp := "no matching expertise"
	if m := overlap(b.Tags, a.Expertise); len(m) > 0 {
		exp = "expertise: " + strings.Join(m, ", ")
	} else if len(b.Tags) == 0 {
		exp = "no expertise asked for"
	}
	return fmt.Sprintf("%s, load %d/%d", exp, load, a.MaxLoad)
}

func shortfallReason(p AssignmentProblem, i int) string {
	b := p.Bids[i]
	eligible := 0
	for _, a := range p.Assessors {
		if _, c := Conflict(b, a); !c && a.MaxLoad > 0 {
			eligible++
		}
	}
	if eligible < p.PerBid {
		return fmt.Sprintf("only %d of %d assessors have no conflict with %s; it needs %d", eligible, len(p.Assessors), orDefault(b.Organisation, "the supplier"), p.PerBid)
	}
	return fmt.Sprintf("%d assessors have no conflict, but the assessors it could have are at their maximum load: raise a maximum or add assessors", eligible)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// CheckAssignment lists every hard rule the pairs break (for tests and for checking an
// assignment made by hand).
func CheckAssignment(p AssignmentProblem, pairs []Pair) []string {
	var problems []string
	bids := map[int]AssignBid{}
	for _, b := range p.Bids {
		bids[b.ID] = b
	}
	assessors := map[int]AssignAssessor{}
	for _, a := range p.Assessors {
		assessors[a.ID] = a
	}
	seen := map[[2]int]bool{}
	load, per := map[int]int{}, map[int]int{}
	for _, pr := range pairs {
		b, okB := bids[pr.BidID]
		a, okA := assessors[pr.AssessorID]
		if !okB || !okA {
			problems = append(problems, fmt.Sprintf("pair %d/%d names an unknown bid or assessor", pr.BidID, pr.AssessorID))
			continue
		}
		if seen[[2]int{pr.BidID, pr.AssessorID}] {
			problems = append(problems, fmt.Sprintf("assessor %d is on bid %d twice", pr.AssessorID, pr.BidID))
		}
		seen[[2]int{pr.BidID, pr.AssessorID}] = true
		if why, c := Conflict(b, a); c {
			problems = append(problems, fmt.Sprintf("assessor %d on bid %d %s", pr.AssessorID, pr.BidID, why))
		}
		load[pr.AssessorID]++
		per[pr.BidID]++
	}
	for id, n := range load {
		if n > assessors[id].MaxLoad {
			problems = append(problems, fmt.Sprintf("assessor %d has %d bids, over their maximum of %d", id, n, assessors[id].MaxLoad))
		}
	}
	for id, n := range per {
		if n > p.PerBid {
			problems = append(problems, fmt.Sprintf("bid %d has %d assessors, more than %d", id, n, p.PerBid))
		}
	}
	sort.Strings(problems)
	return problems
}

// flowGraph is a residual graph for min-cost flow with integer capacities and costs, stored as
// compressed adjacency arrays once built, so the searches walk memory in order.
type flowGraph struct {
	n              int
	eu, ev, ec, ew []int32 // edges as added
	start          []int32 // node u's arcs are start[u] to start[u+1]
	to, cap, cost  []int32
	rev            []int32 // each arc's residual twin
	fwd            []int32 // added edge → its forward arc
}

// addEdge adds u→v; it returns the edge's number, for used.
func (g *flowGraph) addEdge(u, v, c, w int) int {
	g.eu, g.ev = append(g.eu, int32(u)), append(g.ev, int32(v))
	g.ec, g.ew = append(g.ec, int32(c)), append(g.ew, int32(w))
	return len(g.eu) - 1
}

func (g *flowGraph) build() {
	m := len(g.eu)
	g.start = make([]int32, g.n+1)
	for e := range m {
		g.start[g.eu[e]+1]++
		g.start[g.ev[e]+1]++
	}
	for u := 0; u < g.n; u++ {
		g.start[u+1] += g.start[u]
	}
	pos := append([]int32(nil), g.start[:g.n]...)
	g.to, g.cap, g.cost, g.rev = make([]int32, 2*m), make([]int32, 2*m), make([]int32, 2*m), make([]int32, 2*m)
	g.fwd = make([]int32, m)
	for e := range m {
		u, v := g.eu[e], g.ev[e]
		a, b := pos[u], pos[v]
		pos[u]++
		pos[v]++
		g.to[a], g.cap[a], g.cost[a], g.rev[a] = v, g.ec[e], g.ew[e], b
		g.to[b], g.cap[b], g.cost[b], g.rev[b] = u, 0, -g.ew[e], a
		g.fwd[e] = a
	}
}

// used reports whether flow runs through an added unit-capacity edge.
func (g *flowGraph) used(e int) bool { return g.cap[g.fwd[e]] == 0 }

// minCostMaxFlow is the primal-dual method: Dijkstra (a bucket queue, as reduced costs are small
// non-negative integers) sets potentials, then blocking flows push every shortest path of that
// cost at once.
func (g *flowGraph) minCostMaxFlow(s, t int) (flow int) {
	pot := make([]int32, g.n)
	dist := make([]int32, g.n)
	level := make([]int32, g.n)
	iter := make([]int32, g.n)
	queue := make([]int32, 0, g.n)
	const inf = int32(1 << 30)
	var buckets [][]int32
	for {
		for i := range dist {
			dist[i] = inf
		}
		dist[s] = 0
		buckets = append(buckets[:0], []int32{int32(s)})
		for d := int32(0); int(d) < len(buckets); d++ {
			for k := 0; k < len(buckets[d]); k++ {
				u := buckets[d][k]
				if dist[u] != d {
					continue
				}
				pu := pot[u]
				for a := g.start[u]; a < g.start[u+1]; a++ {
					if g.cap[a] == 0 {
						continue
					}
					v := g.to[a]
					if nd := d + g.cost[a] + pu - pot[v]; nd < dist[v] {
						dist[v] = nd
						for int32(len(buckets)) <= nd {
							buckets = append(buckets, nil)
						}
						buckets[nd] = append(buckets[nd], v)
					}
				}
			}
			buckets[d] = buckets[d][:0]
		}
		if dist[t] == inf {
			return flow
		}
		for v := range pot {
			pot[v] += min(dist[v], dist[t])
		}
		for g.levels(s, t, pot, level, queue) {
			copy(iter, g.start[:g.n])
			for {
				f := g.push(int32(s), int32(t), inf, pot, level, iter)
				if f == 0 {
					break
				}
				flow += int(f)
			}
		}
	}
}

func (g *flowGraph) levels(s, t int, pot, level, queue []int32) bool {
	for i := range level {
		level[i] = -1
	}
	level[s] = 0
	queue = append(queue[:0], int32(s))
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		pu := pot[u]
		for a := g.start[u]; a < g.start[u+1]; a++ {
			v := g.to[a]
			if level[v] < 0 && g.cap[a] > 0 && g.cost[a]+pu-pot[v] == 0 {
				level[v] = level[u] + 1
				queue = append(queue, v)
			}
		}
	}
	return level[t] >= 0
}

func (g *flowGraph) push(u, t, f int32, pot, level, iter []int32) int32 {
	if u == t {
		return f
	}
	for ; iter[u] < g.start[u+1]; iter[u]++ {
		a := iter[u]
		v := g.to[a]
		if level[v] != level[u]+1 || g.cap[a] == 0 || g.cost[a]+pot[u]-pot[v] != 0 {
			continue
		}
		if d := g.push(v, t, min(f, g.cap[a]), pot, level, iter); d > 0 {
			g.cap[a] -= d
			g.cap[g.rev[a]] += d
			return d
		}
	}
	return 0
}

// InterestKind is the kind of interest an assessor declares in a supplier, as Innovate UK's
// declaration of interest records it.
type InterestKind string

// The kinds of declared interest.
const (
	InterestEmployer          InterestKind = "employer"
	InterestProfessional      InterestKind = "professional"
	InterestPersonal          InterestKind = "personal"
	InterestPersonalFinancial InterestKind = "personal_financial"
	InterestFamily            InterestKind = "family"
	InterestFamilyFinancial   InterestKind = "family_financial"
)

// InterestKinds are the kinds in the order a form offers them.
var InterestKinds = []InterestKind{InterestEmployer, InterestProfessional, InterestPersonal,
	InterestPersonalFinancial, InterestFamily, InterestFamilyFinancial}

// Values lists the kinds, for the database enum.
func (InterestKind) Values() []string { return stringsOf(InterestKinds) }

// Valid says whether k is one of the kinds.
func (k InterestKind) Valid() bool { return slices.Contains(InterestKinds, k) }

// Label is the kind as a person reads it.
func (k InterestKind) Label() string {
	switch k {
	case InterestEmployer:
		return "Employer: you work or have worked for them"
	case InterestProfessional:
		return "Professional: you advise, consult for or collaborate with them"
	case InterestPersonal:
		return "Personal: a friend or someone you know well works there"
	case InterestPersonalFinancial:
		return "Personal financial: you hold shares or another financial interest"
	case InterestFamily:
		return "Family: a member of your family works there"
	case InterestFamilyFinancial:
		return "Family financial: a member of your family has a financial interest"
	}
	return string(k)
}

// InterestDeclaration is what an assessor says when declaring an interest.
type InterestDeclaration struct {
	OrganisationID int
	Kind           InterestKind
	Description    string
}

// MaxInterestDescription is the longest description, in characters.
const MaxInterestDescription = 2000

// Problems names every problem with the declaration, in the order a form shows its fields.
func (d InterestDeclaration) Problems() Problems {
	var out Problems
	if d.OrganisationID <= 0 {
		out.Add("organisation_id", "Choose the organisation you have an interest in")
	}
	if !d.Kind.Valid() {
		out.Add("kind", "Choose the kind of interest")
	}
	if _, p := InterestDescription.Clean(d.Description); p != nil {
		if strings.TrimSpace(d.Description) == "" {
			p.Message = "Describe the interest, for example your role and the dates"
		}
		out = append(out, *p)
	}
	return out
}
