package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ocds"
	"github.com/catalyst-sbri/catalyst/service"
)

// Open contracting data: every competition as an OCDS 1.1 contracting process, public at
// stable URLs: /ocds/releases/{ocid}.json (its release package), /ocds/records/{ocid}.json (its
// record, compiled), and the bulk downloads /ocds/releases.json and /ocds/records.json.

// DefaultOCIDPrefix stands in until the programme registers its own prefix with the Open
// Contracting Partnership.
const DefaultOCIDPrefix = "ocds-catalyst"

func (s *Server) publisher(c echo.Context) ocds.Publisher {
	prefix := s.OCIDPrefix
	if prefix == "" {
		prefix = DefaultOCIDPrefix
	}
	return ocds.Publisher{Prefix: prefix, BaseURL: c.Scheme() + "://" + c.Request().Host, Name: "Catalyst: GovTech Catalyst and SBRI competitions"}
}

func releasesURL(p ocds.Publisher, ocid string) string {
	return p.BaseURL + "/ocds/releases/" + ocid + ".json"
}

// processFromPath reads the competition an {ocid}.json path names; a path that names none is
// a 404 that says what an ocid looks like.
func (s *Server) processFromPath(c echo.Context, p ocds.Publisher) (ocds.Process, error) {
	file := c.Param("file")
	id, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(file, p.Prefix+"-"), ".json"))
	if err != nil || !strings.HasSuffix(file, ".json") || !strings.HasPrefix(file, p.Prefix+"-") {
		return ocds.Process{}, &service.Refusal{Kind: service.NotFound, Code: "not-found", Title: "No such contracting process",
			Detail: fmt.Sprintf("an ocid here is %s- and a competition's number, as in %s-12.json", p.Prefix, p.Prefix)}
	}
	prs, err := s.Svc.OpenContracting(c.Request().Context(), id)
	if err != nil {
		return ocds.Process{}, err
	}
	if len(prs) == 0 || len(p.Releases(prs[0])) == 0 {
		return ocds.Process{}, &service.Refusal{Kind: service.NotFound, Code: "not-found", Title: "No such contracting process",
			Detail: fmt.Sprintf("competition %d is not published: it does not exist or has not opened", id)}
	}
	return prs[0], nil
}

func (s *Server) ocdsReleases(c echo.Context) error {
	p := s.publisher(c)
	pr, err := s.processFromPath(c, p)
	if err != nil {
		return err
	}
	ocid := p.OCID(pr.CompetitionID)
	return c.JSON(http.StatusOK, p.ReleasePackage(releasesURL(p, ocid), p.Releases(pr)))
}

func (s *Server) ocdsRecord(c echo.Context) error {
	p := s.publisher(c)
	pr, err := s.processFromPath(c, p)
	if err != nil {
		return err
	}
	ocid := p.OCID(pr.CompetitionID)
	pkg := releasesURL(p, ocid)
	return c.JSON(http.StatusOK, p.RecordPackage(p.BaseURL+"/ocds/records/"+ocid+".json", []string{pkg}, []ocds.Record{p.Record(pr, pkg, p.Releases(pr))}))
}

// ocdsBulkReleases is every published release in one package.
func (s *Server) ocdsBulkReleases(c echo.Context) error {
	p := s.publisher(c)
	prs, err := s.Svc.OpenContracting(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	var all []ocds.Release
	for _, pr := range prs {
		all = append(all, p.Releases(pr)...)
	}
	if all == nil {
		all = []ocds.Release{}
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="catalyst-releases.json"`)
	return c.JSON(http.StatusOK, p.ReleasePackage(p.BaseURL+"/ocds/releases.json", all))
}

// ocdsBulkRecords is every process's record in one package.
func (s *Server) ocdsBulkRecords(c echo.Context) error {
	p := s.publisher(c)
	prs, err := s.Svc.OpenContracting(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	records, packages := []ocds.Record{}, []string{}
	for _, pr := range prs {
		rs := p.Releases(pr)
		if len(rs) == 0 {
			continue
		}
		pkg := releasesURL(p, p.OCID(pr.CompetitionID))
		records, packages = append(records, p.Record(pr, pkg, rs)), append(packages, pkg)
	}
	return c.JSON(http.StatusOK, p.RecordPackage(p.BaseURL+"/ocds/records.json", packages, records))
}

type openDataRow struct {
	OCID, Title, Stages string
	CompetitionID       int
}

// openDataPage says what is published and links each process.
func (s *Server) openDataPage(c echo.Context) error {
	p := s.publisher(c)
	prs, err := s.Svc.OpenContracting(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	var rows []openDataRow
	for _, pr := range prs {
		rs := p.Releases(pr)
		if len(rs) == 0 {
			continue
		}
		var stages []string
		for _, r := range rs {
			stages = append(stages, strings.Join(r.Tag, " and "))
		}
		rows = append(rows, openDataRow{OCID: p.OCID(pr.CompetitionID), Title: fmt.Sprintf("%s (phase %d)", pr.Title, pr.Phase),
			Stages: strings.Join(stages, ", "), CompetitionID: pr.CompetitionID})
	}
	return s.render(c, http.StatusOK, "open_data", "Open contracting data", "", struct {
		Rows   []openDataRow
		Prefix string
	}{rows, p.Prefix})
}
