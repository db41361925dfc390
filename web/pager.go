package web

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// pager is one page of a long list on the pages: which rows it shows of how many, and the links
// to the pages either side (GOV.UK pagination). Pages are numbered from 1 in the query's "page";
// every other part of the query (a filter, say) is kept in the links.
type pager struct {
	Page, Pages     int
	From, To, Total int
	Noun            string // what the list holds, plural: "emails"
	Previous, Next  string
	PreviousPage    int
}

// pageNumber reads the query's page number: 1 when there is none or it is not a number. A page
// past the end shows none of the list, with a link back.
func pageNumber(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager describes page n of a list of total rows, size to a page, of which shown are on it.
func newPager(c echo.Context, n, size, total, shown int, noun string) pager {
	p := pager{Page: n, Pages: max(1, (total+size-1)/size), Total: total, Noun: noun}
	if shown > 0 {
		p.From = (n-1)*size + 1
		p.To = p.From + shown - 1
	}
	link := func(to int) string {
		q := c.QueryParams()
		q.Set("page", strconv.Itoa(to))
		if to == 1 {
			q.Del("page")
		}
		if len(q) == 0 {
			return c.Request().URL.Path
		}
		return c.Request().URL.Path + "?" + q.Encode()
	}
	if n > 1 {
		p.PreviousPage = min(n-1, p.Pages)
		p.Previous = link(p.PreviousPage)
	}
	if n < p.Pages {
		p.Next = link(n + 1)
	}
	return p
}
