package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Drawing is a record's lifecycle laid out for the "lifecycle-drawing" template: each state a
// box, row by row in the order a record meets them, each move an arrow. It is drawn from
// domain's lifecycle, the moves the store allows, so it cannot show a move the code does not
// make or leave one out.
type Drawing struct {
	ID, Title, Desc string
	Width, Height   int
	Boxes           []Box
	Arrows          []Arrow
}

// Box is one state.
type Box struct {
	Name        string
	Lines       []string
	X, Y, W, H  int
	TextX       int
	Here, Final bool
	FirstLineY  int
	LineHeight  int
}

// Arrow is one move from a state to another (or from nothing, for a record's making).
type Arrow struct {
	Path           string
	Label          string
	LabelX, LabelY int
	Title          string
}

const (
	boxW     = 180
	boxGapX  = 36
	rowH     = 112
	lineH    = 17
	margin   = 24
	bendRoom = 90 // to the right of the boxes, for arrows that go back up
)

// DrawLifecycle lays out l, with the state here (if any) marked as where a record is now.
func DrawLifecycle(l domain.Lifecycle, here string) Drawing {
	layer := layers(l)
	rows := map[int][]string{}
	maxRow, widest := 0, 0
	for _, s := range l.States {
		r := layer[s.Name]
		rows[r] = append(rows[r], s.Name)
		maxRow = max(maxRow, r)
		widest = max(widest, len(rows[r]))
	}
	// Moves between states not in neighbouring rows, or going back up, run along lanes right of
	// the boxes; the states they touch stand rightmost in their rows, so the lanes cross little.
	laned := func(f, to string) bool { return f != domain.Created && layer[to]-layer[f] != 1 }
	touches := map[string]int{}
	for _, m := range l.Moves {
		for _, f := range m.From {
			if laned(f, m.To) {
				touches[f]++
				touches[m.To]++
			}
		}
	}
	for r := range rows {
		slices.SortStableFunc(rows[r], func(a, b string) int { return min(touches[a], 1) - min(touches[b], 1) })
	}
	rightmost := map[string]bool{}
	for _, row := range rows {
		rightmost[row[len(row)-1]] = true
	}
	d := Drawing{ID: "lifecycle-" + l.Record, Title: l.Title + "'s lifecycle"}
	d.Width = 2*margin + widest*boxW + (widest-1)*boxGapX + bendRoom + 160
	boxes := map[string]*Box{}
	for _, s := range l.States {
		r := layer[s.Name]
		i := slices.Index(rows[r], s.Name)
		n := len(rows[r])
		rowWidth := n*boxW + (n-1)*boxGapX
		x := margin + (widest*boxW+(widest-1)*boxGapX-rowWidth)/2 + i*(boxW+boxGapX)
		lines := wrap(s.Label, 22)
		b := Box{Name: s.Name, Lines: lines, X: x, Y: margin + 28 + r*rowH, W: boxW, H: 16 + len(lines)*lineH,
			TextX: x + boxW/2, Here: s.Name == here, Final: s.Final, LineHeight: lineH}
		b.FirstLineY = b.Y + 8 + 13
		d.Boxes = append(d.Boxes, b)
		boxes[s.Name] = &d.Boxes[len(d.Boxes)-1]
	}
	d.Height = margin + 28 + maxRow*rowH + 16 + 3*lineH + margin

	labelled := map[string]bool{}
	created := map[string]int{}
	lanes := map[string]int{}
	right := margin + widest*boxW + (widest-1)*boxGapX
	for _, m := range l.Moves {
		to := boxes[m.To]
		for _, f := range m.From {
			a := Arrow{Title: fmt.Sprintf("%s: %s, by %s", m.Label, domain.LowerFirst(movePhrase(l, f, m.To)), domain.LowerFirst(m.By))}
			if m.When != "" {
				a.Title += ", when " + m.When
			}
			// Each move is named once where it leaves a state and once where it reaches one.
			leaves, reaches := m.Action+"<"+f, m.Action+">"+m.To
			if !labelled[leaves] && !labelled[reaches] {
				a.Label = m.Label
			}
			labelled[leaves], labelled[reaches] = true, true
			if f == domain.Created {
				// A record's making: a short arrow from nothing, side by side if several.
				x := to.X + 24 + 40*created[m.To]
				created[m.To]++
				a.Path = fmt.Sprintf("M%d %d L%d %d", x, to.Y-26, x, to.Y-2)
				a.LabelX, a.LabelY = x+6, to.Y-16
				d.Arrows = append(d.Arrows, a)
				continue
			}
			from := boxes[f]
			if laned(f, m.To) {
				// Along a lane right of the boxes: one lane for each state such moves reach.
				k, ok := lanes[m.To]
				if !ok {
					k = len(lanes)
					lanes[m.To] = k
				}
				lane := right + 20 + 14*k
				// Leave and reach each box by its side if nothing stands right of it, else by
				// the gap below or above its row, so that no line runs through another box.
				var p strings.Builder
				if rightmost[f] {
					fmt.Fprintf(&p, "M%d %d H%d", from.X+from.W, from.Y+from.H/2+4*(k%3), lane)
				} else {
					x := from.X + from.W - 20 - 8*(k%3)
					fmt.Fprintf(&p, "M%d %d V%d H%d", x, from.Y+from.H, from.Y+from.H+10+3*k, lane)
				}
				if rightmost[m.To] {
					y := to.Y + to.H/2 + 4*(k%3)
					fmt.Fprintf(&p, " V%d H%d", y, to.X+to.W+2)
					a.LabelY = y - 6
				} else {
					x := to.X + to.W - 20 - 8*(k%3)
					fmt.Fprintf(&p, " V%d H%d V%d", to.Y-10-3*k, x, to.Y-2)
					a.LabelY = to.Y - 14 - 3*k
				}
				a.Path = p.String()
				a.LabelX = lane + 6
			} else {
				x1, y1 := from.X+from.W/2, from.Y+from.H
				x2, y2 := to.X+to.W/2, to.Y-2
				a.Path = fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, y1, x1, (y1+y2)/2, x2, (y1+y2)/2, x2, y2)
				a.LabelX, a.LabelY = (x1+x2)/2+6, (y1+y2)/2+4
			}
			d.Arrows = append(d.Arrows, a)
		}
	}
	d.Desc = describe(l, here)
	return d
}

// layers puts each state in a row: a record's first states at the top, each other state one row
// below the lowest state a move comes to it from. Moves that go back (found by a walk in the
// order the moves are written) do not count.
func layers(l domain.Lifecycle) map[string]int {
	back := map[[2]string]bool{}
	onPath, done := map[string]bool{}, map[string]bool{}
	var walk func(s string)
	walk = func(s string) {
		onPath[s] = true
		for _, m := range l.Moves {
			if !slices.Contains(m.From, s) {
				continue
			}
			switch {
			case onPath[m.To]:
				back[[2]string{s, m.To}] = true
			case !done[m.To]:
				walk(m.To)
			}
		}
		onPath[s], done[s] = false, true
	}
	out := map[string]int{}
	for _, m := range l.Moves {
		if slices.Contains(m.From, domain.Created) {
			out[m.To] = 0
			if !done[m.To] {
				walk(m.To)
			}
		}
	}
	for range l.States {
		changed := false
		for _, m := range l.Moves {
			for _, f := range m.From {
				lf, ok := out[f]
				if f == domain.Created || !ok || back[[2]string{f, m.To}] {
					continue
				}
				if cur, seen := out[m.To]; !seen || cur < lf+1 {
					out[m.To] = lf + 1
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
	return out
}

func describe(l domain.Lifecycle, here string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s's states, and the moves between them, as listed in the table of moves.", l.Title)
	if s, ok := l.State(here); ok {
		fmt.Fprintf(&b, " This one is at: %s.", s.Label)
	}
	return b.String()
}

func movePhrase(l domain.Lifecycle, from, to string) string {
	t, _ := l.State(to)
	if from == domain.Created {
		return "begins as " + t.Label
	}
	f, _ := l.State(from)
	return "from " + f.Label + " to " + t.Label
}

func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
