// Command vulncheck runs govulncheck over Catalyst with the Go vulnerability database built from
// the module golang.org/x/vulndb (vuln.go.dev cannot be reached from the machines that build
// Catalyst; the module proxy serves the database's entries as OSV files under data/osv). It
// fails on a vulnerability the code reaches that has a fix, and on one without a fix that
// SECURITY.md does not assess by its ID. A module of its own so that the product does not
// depend on it.
//
//	vulncheck -vulndb DIR -assessed SECURITY.md [-binary FILE | packages]
//
// With -binary it reads a built binary (govulncheck -mode binary: what was linked into it, in
// seconds); else it analyses the packages' source (calls traced, minutes for the whole stack).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/vuln/scan"
)

func main() {
	vulndb := flag.String("vulndb", "", "the golang.org/x/vulndb module's folder")
	assessed := flag.String("assessed", "SECURITY.md", "the file that assesses each vulnerability without a fix, by its ID")
	binary := flag.String("binary", "", "a built binary to check, instead of packages' source")
	flag.Parse()
	args := flag.Args()
	if *binary != "" {
		args = []string{"-mode", "binary", *binary}
	} else if len(args) == 0 {
		args = []string{"./..."}
	}
	if err := run(*vulndb, *assessed, args); err != nil {
		fmt.Fprintln(os.Stderr, "vulncheck:", err)
		os.Exit(1)
	}
}

func run(vulndb, assessedFile string, args []string) error {
	db, err := os.MkdirTemp("", "vulndb")
	if err != nil {
		return err
	}
	defer os.RemoveAll(db)
	n, err := buildDB(filepath.Join(vulndb, "data", "osv"), db)
	if err != nil {
		return fmt.Errorf("building the database: %w", err)
	}
	fmt.Printf("the Go vulnerability database: %d entries from %s\n", n, vulndb)
	var out bytes.Buffer
	cmd := scan.Command(context.Background(), append([]string{"-db", "file://" + db, "-format", "json"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("govulncheck: %w", err)
	}
	found, err := reachable(&out)
	if err != nil {
		return err
	}
	text, err := os.ReadFile(assessedFile)
	if err != nil {
		return err
	}
	var failing []string
	for _, f := range found {
		switch {
		case f.fixed != "":
			failing = append(failing, fmt.Sprintf("%s in %s %s, reached by %s: fixed in %s; upgrade", f.id, f.module, f.version, f.by, f.fixed))
		case !bytes.Contains(text, []byte(f.id)):
			failing = append(failing, fmt.Sprintf("%s in %s %s, reached by %s: no fix; assess it by its ID in %s", f.id, f.module, f.version, f.by, assessedFile))
		default:
			fmt.Printf("%s in %s %s, reached by %s: no fix, assessed in %s\n", f.id, f.module, f.version, f.by, assessedFile)
		}
	}
	if len(failing) > 0 {
		return fmt.Errorf("%d vulnerabilities the code reaches:\n  %s", len(failing), strings.Join(failing, "\n  "))
	}
	fmt.Printf("govulncheck: nothing reachable that has a fix (%d reachable, each without one, assessed)\n", len(found))
	return nil
}

type finding struct{ id, module, version, fixed, by string }

// reachable reads govulncheck's JSON stream: the vulnerabilities whose code is called (a
// finding whose trace names a function), one each.
func reachable(r io.Reader) ([]finding, error) {
	type frame struct {
		Module, Version, Package, Function, Receiver string
	}
	type message struct {
		Finding *struct {
			OSV          string  `json:"osv"`
			FixedVersion string  `json:"fixed_version"`
			Trace        []frame `json:"trace"`
		} `json:"finding"`
	}
	seen := map[string]finding{}
	d := json.NewDecoder(r)
	for {
		var m message
		if err := d.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading govulncheck's answer: %w", err)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue
		}
		if _, ok := seen[f.OSV]; ok {
			continue
		}
		top, caller := f.Trace[0], f.Trace[len(f.Trace)-1]
		seen[f.OSV] = finding{id: f.OSV, module: top.Module, version: top.Version, fixed: f.FixedVersion,
			by: caller.Package + "." + strings.TrimPrefix(caller.Receiver+"."+caller.Function, ".")}
	}
	out := make([]finding, 0, len(seen))
	for _, f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// buildDB writes the database in govulncheck's v1 layout (index/db.json, index/modules.json,
// ID/<id>.json) from OSV files. An entry whose modified time is zero takes its published time.
func buildDB(osvDir, db string) (int, error) {
	files, err := filepath.Glob(filepath.Join(osvDir, "*.json"))
	if err != nil || len(files) == 0 {
		return 0, fmt.Errorf("no OSV entries in %s (%v)", osvDir, err)
	}
	type affected struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
	}
	type moduleVuln struct {
		ID       string    `json:"id"`
		Modified time.Time `json:"modified"`
		Fixed    string    `json:"fixed,omitempty"`
	}
	modules := map[string][]moduleVuln{}
	var newest time.Time
	for _, dir := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(db, dir), 0o755); err != nil {
			return 0, err
		}
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			return 0, err
		}
		var entry map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entry); err != nil {
			return 0, fmt.Errorf("%s: %w", file, err)
		}
		var id string
		var modified, published time.Time
		var affects []affected
		_ = json.Unmarshal(entry["id"], &id)
		_ = json.Unmarshal(entry["modified"], &modified)
		_ = json.Unmarshal(entry["published"], &published)
		_ = json.Unmarshal(entry["affected"], &affects)
		if modified.IsZero() {
			modified = published
			entry["modified"], _ = json.Marshal(modified)
			if raw, err = json.Marshal(entry); err != nil {
				return 0, err
			}
		}
		if modified.After(newest) {
			newest = modified
		}
		if err := os.WriteFile(filepath.Join(db, "ID", id+".json"), raw, 0o644); err != nil {
			return 0, err
		}
		for _, a := range affects {
			fixed := ""
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					if v, ok := e["fixed"]; ok {
						fixed = v // the latest range's fix, as the index has it
					}
				}
			}
			modules[a.Package.Name] = append(modules[a.Package.Name], moduleVuln{ID: id, Modified: modified, Fixed: fixed})
		}
	}
	type moduleMeta struct {
		Path  string       `json:"path"`
		Vulns []moduleVuln `json:"vulns"`
	}
	index := make([]moduleMeta, 0, len(modules))
	for path, vulns := range modules {
		index = append(index, moduleMeta{Path: path, Vulns: vulns})
	}
	sort.Slice(index, func(i, j int) bool { return index[i].Path < index[j].Path })
	for name, v := range map[string]any{"db.json": map[string]time.Time{"modified": newest}, "modules.json": index} {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(db, "index", name), b, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}
