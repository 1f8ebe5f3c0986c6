package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"grassroots/pipelines"
	"grassroots/pipelines/demodata"
	"grassroots/pipelines/refdata"
)

// Reporting up (上报): synthetic districts of Shanghai, each in its own
// warehouse loaded by the grassroots binary, each exporting a package for
// 2024; a city warehouse imports them one by one (timed: the import and the
// recomputation of the indicators it runs). One warehouse holding every
// district's register together is the check: the city's member indicators
// must equal its own, numerators and denominators summed — the section
// fails if not. Each district is the demo at -scale ÷ 10 (at 400 some 1M
// members a district).

func init() {
	register("packages", runPackages)
}

// benchDistricts are the districts of the simulation (as in the CLI's
// reporting-up test), each from its own seed, with its register numbers'
// prefix.
var benchDistricts = []struct {
	code   string
	seed   uint64
	prefix string
}{{"310104", 11, "A"}, {"310105", 12, "B"}, {"310107", 13, "C"}}

// packagesYear is the year the districts report.
const packagesYear = demodata.LastYear

func runPackages(ctx context.Context, b *Bench) error {
	out := b.Out
	if _, err := os.Stat(b.Bin); err != nil {
		return fmt.Errorf("the grassroots binary %s is not there: run make build (make bench does)", b.Bin)
	}
	scale := b.Scale / 10
	dir := filepath.Join(b.Dir, "packages-scale"+scaleName(b.Scale))
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer func() {
		if !b.Keep {
			os.RemoveAll(dir)
		}
	}()
	fmt.Fprintf(out, "packages: %d districts of Shanghai at scale %s (-scale ÷ 10), each its own warehouse, reporting %d up to a city warehouse\n",
		len(benchDistricts), scaleName(scale), packagesYear)

	var registers, pkgs, codes []string
	for _, d := range benchDistricts {
		reg := filepath.Join(dir, "register-"+d.code+".csv")
		n, err := writeDistrictRegister(reg, d.code, d.seed, d.prefix, scale)
		if err != nil {
			return err
		}
		project, err := packagesProject(filepath.Join(dir, "project-"+d.code), reg)
		if err != nil {
			return err
		}
		wh := filepath.Join(dir, d.code+".duckdb")
		load, err := b.loadDistrict(ctx, wh, d.code, project, true)
		if err != nil {
			return err
		}
		pkg := filepath.Join(dir, "package-"+d.code+".zip")
		exp, err := b.runBinary(ctx, "export", "package", "--warehouse", wh, "--region", d.code,
			"--period", fmt.Sprint(packagesYear), "--out", pkg)
		if err != nil {
			return err
		}
		st, err := os.Stat(pkg)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s: %s members\n", d.code, group(int64(n)))
		timed(out, "load (run refdata, demo_party_members) "+d.code, load)
		timed(out, fmt.Sprintf("export package %s (%s bytes)", d.code, group(st.Size())), exp)
		registers, pkgs, codes = append(registers, reg), append(pkgs, pkg), append(codes, d.code)
		if !b.Keep {
			removeWarehouse(wh)
		}
	}

	city := filepath.Join(dir, "city.duckdb")
	cityProject, err := packagesProject(filepath.Join(dir, "project-city"), "")
	if err != nil {
		return err
	}
	if _, err := b.loadDistrict(ctx, city, "310000", cityProject, false); err != nil {
		return err
	}
	for i, pkg := range pkgs {
		r, err := b.runBinary(ctx, "import", "package", pkg, "--warehouse", city)
		if err != nil {
			return err
		}
		timed(out, "import package "+codes[i]+" (recomputing the indicators)", r)
	}

	all := filepath.Join(dir, "register-all.csv")
	if err := concatRegisters(all, registers); err != nil {
		return err
	}
	single := filepath.Join(dir, "single.duckdb")
	singleProject, err := packagesProject(filepath.Join(dir, "project-single"), all)
	if err != nil {
		return err
	}
	load, err := b.loadDistrict(ctx, single, "310000", singleProject, true)
	if err != nil {
		return err
	}
	timed(out, "one warehouse of every register (310000)", load)

	regions := append([]string{"310000"}, codes...)
	got, err := b.memberFigures(ctx, city, regions)
	if err != nil {
		return err
	}
	want, err := b.memberFigures(ctx, single, regions)
	if err != nil {
		return err
	}
	rows := strings.Count(want, "\n") - 1
	equal := got == want && rows > 0
	fmt.Fprintf(out, "  the city from packages equal to one warehouse (%d member indicator rows at %s): %s\n",
		rows, strings.Join(regions, ", "), verdictWord(equal))
	if !equal {
		return fmt.Errorf("the city's member indicators from packages differ from one warehouse's over every register:\nfrom packages:\n%s\none warehouse:\n%s", got, want)
	}
	if !b.Keep {
		removeWarehouse(city)
		removeWarehouse(single)
	}
	return nil
}

// timed prints one measurement of the binary: wall time and peak RSS.
func timed(out io.Writer, what string, r Result) {
	fmt.Fprintf(out, "  %-60s %6.2f s  peak RSS %s%s\n", what, r.Seconds, mb(r.MaxRSS), busyNote(r.Others))
}

func verdictWord(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// writeDistrictRegister writes the synthetic member register of district
// (the demo's, its members placed in the district's townships) to path and
// returns its rows.
func writeDistrictRegister(path, district string, seed uint64, prefix string, scale float64) (int, error) {
	towns, err := refdata.Townships(district)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, err := demodata.New(demodata.Options{Seed: seed, Scale: scale}).WriteMembersCSVAs(w, packagesYear, towns, prefix)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// packagesProject writes a project into dir: the reference pipelines and,
// with a register, the demo's member pipeline reading it as
// inputs/party_members.csv.
func packagesProject(dir, register string) (string, error) {
	if _, err := pipelines.WriteReference(dir); err != nil {
		return "", err
	}
	if register == "" {
		return dir, nil
	}
	for _, ps := range pipelines.Demo() {
		if ps.Name == "demo_party_members" {
			if err := os.WriteFile(filepath.Join(dir, "pipelines", ps.File), ps.Data, 0o644); err != nil {
				return "", err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "inputs"), 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "inputs", "party_members.csv")
	if err := os.Link(register, dst); err != nil {
		if err := copyFile(register, dst); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// loadDistrict makes a warehouse at path with home region home and loads
// the region codes and, with members, the member register of project; it
// returns the load's measurement (not init's).
func (b *Bench) loadDistrict(ctx context.Context, path, home, project string, members bool) (Result, error) {
	removeWarehouse(path)
	if _, err := b.runBinary(ctx, "init", "--no-reference", "--warehouse", path, "--region", home); err != nil {
		return Result{}, err
	}
	args := []string{"run", "refdata_region", "refdata_region_township"}
	if members {
		args = append(args, "demo_party_members")
	}
	return b.runBinary(ctx, append(args, "--project", project, "--warehouse", path, "--progress", "never")...)
}

// concatRegisters writes the registers one after another to path, the
// header once.
func concatRegisters(path string, registers []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	for i, reg := range registers {
		in, err := os.Open(reg)
		if err != nil {
			return err
		}
		r := bufio.NewReaderSize(in, 1<<20)
		if i > 0 {
			if _, err := r.ReadString('\n'); err != nil {
				in.Close()
				return fmt.Errorf("%s: %w", reg, err)
			}
		}
		_, err = io.Copy(w, r)
		in.Close()
		if err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// memberFigures are the member indicators of regions in the warehouse at
// path, as CSV: numerators, denominators and values, rounded far below
// what any report shows, and whether each is partial.
func (b *Bench) memberFigures(ctx context.Context, path string, regions []string) (string, error) {
	q := `SELECT indicator, region_code, period,
		round(numerator, 6) AS numerator, round(denominator, 6) AS denominator, round(value, 9) AS value,
		flags LIKE 'partial:%' AS partial
		FROM indicator_value WHERE indicator LIKE 'member.%' AND NOT beside_own
		  AND region_code IN ('` + strings.Join(regions, "', '") + `') ORDER BY ALL`
	cmd := exec.CommandContext(ctx, b.Bin, "sql", "--warehouse", path, "--format", "csv", q)
	var errb strings.Builder
	cmd.Stderr = &errb
	o, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s sql --warehouse %s: %v: %s", b.Bin, path, err, errb.String())
	}
	return string(o), nil
}
