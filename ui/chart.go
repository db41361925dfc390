package ui

// BarChart is a horizontal bar chart drawn as SVG on the server, so it needs no JavaScript: the
// "bar-chart" template draws it, and the page puts its figures in a table beside it.
type BarChart struct {
	ID, Title, Desc string
	LabelWidth      int // room for the labels, left of the bars
	Rows            []ChartRow
	Height          int
	max             float64
	y               int
}

// ChartRow is a heading or a bar, with an optional target marked on it.
type ChartRow struct {
	Heading            bool
	Label, Text        string
	Class              string
	Y, Width           int
	TextX              int
	TargetX            int // 0 for no target
	TargetY1, TargetY2 int
}

const chartWidth = 560

// NewBarChart starts a chart whose longest bar stands for max.
func NewBarChart(id, title, desc string, max float64) *BarChart {
	if max <= 0 {
		max = 1
	}
	return &BarChart{ID: id, Title: title, Desc: desc, LabelWidth: 90, max: max}
}

// Heading starts a group of bars.
func (c *BarChart) Heading(label string) {
	if c.y > 0 {
		c.y += 8
	}
	c.Rows = append(c.Rows, ChartRow{Heading: true, Label: label, Y: c.y})
	c.y += 26
}

// Bar adds a bar for value, with its text after it and target (if above 0) marked across it.
func (c *BarChart) Bar(label string, value float64, text, class string, target float64) {
	room := float64(chartWidth - c.LabelWidth - 110)
	w := int(value / c.max * room)
	if value > 0 && w < 2 {
		w = 2
	}
	r := ChartRow{Label: label, Text: text, Class: class, Y: c.y, Width: w, TextX: c.LabelWidth + w + 6}
	if target > 0 {
		r.TargetX = c.LabelWidth + int(min(target/c.max, 1)*room)
		r.TargetY1, r.TargetY2 = c.y-2, c.y+24
	}
	c.Rows = append(c.Rows, r)
	c.y += 28
}

// Done fixes the chart's height.
func (c *BarChart) Done() BarChart {
	c.Height = max(c.y, 28)
	return *c
}
