package demodata

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
)

// partyOrgRecord is one line of the party-organisation register, as an
// organisation-management system's API exports it (NDJSON).
type partyOrgRecord struct {
	OrgCode            string  `json:"org_code"`
	Name               string  `json:"name"`
	Kind               string  `json:"kind"`
	Setting            string  `json:"setting"`
	RegionCode         string  `json:"region_code"`
	Members            int     `json:"members"`
	SecretaryBirthYear int     `json:"secretary_birth_year"`
	UrbanPartnerCode   *string `json:"urban_partner_code"`
	SnapshotDate       string  `json:"snapshot_date"`
	Note               string  `json:"note"`
}

// registerYears are the year-ends of the register snapshots.
func registerYears() []int {
	var ys []int
	for y := RegisterFirstYear; y <= LastYear; y++ {
		ys = append(ys, y)
	}
	return ys
}

// orgMembers counts the members of each party organisation at each register
// year-end, from the member records themselves.
func (g *Generator) orgMembers() map[int]map[string]int {
	out := map[int]map[string]int{}
	for _, y := range registerYears() {
		out[y] = map[string]int{}
	}
	g.eachMember(registerYears(), func(y int, m *Member) bool {
		out[y][m.Org]++
		return true
	})
	return out
}

// secretaryBirthYear is the birth year of the secretary of org in year:
// secretaries serve five-year terms; village secretaries are older, and
// younger ones are chosen as the years go on.
func (g *Generator) secretaryBirthYear(org string, year int, village bool) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", org, year/5)
	r := g.rng(5, h.Sum64())
	age := 38 + r.Float64()*14
	if village {
		age = 46 + r.Float64()*14 - 6*clamp(float64(year-2004)/20, 0, 1)
	}
	return year/5*5 - int(age)
}

func orgKind(members int) string {
	switch {
	case members >= 100:
		return "party_committee"
	case members >= 50:
		return "general_branch"
	}
	return "branch"
}

// writePartyOrgs writes the party-organisation register, one snapshot per
// year-end, as NDJSON: village organisations (with their urban partner once
// paired), community organisations, and each township's branches of
// agencies, enterprises and public institutions.
func (g *Generator) writePartyOrgs(dir string) (File, error) {
	f := File{Name: "party_orgs.json",
		About: fmt.Sprintf("party-organisation register, a snapshot per year %d-%d, NDJSON", RegisterFirstYear, LastYear)}
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	members := g.orgMembers()
	reg := g.reg
	for _, y := range registerYears() {
		date := fmt.Sprintf("%d-12-31", y)
		emit := func(code, name, setting string, town int, village bool, partner string) error {
			n := members[y][code]
			rec := partyOrgRecord{OrgCode: code, Name: name, Kind: orgKind(n), Setting: setting,
				RegionCode: g.towns[town].Code, Members: n,
				SecretaryBirthYear: g.secretaryBirthYear(code, y, village),
				SnapshotDate:       date, Note: "示例数据 synthetic"}
			if partner != "" {
				rec.UrbanPartnerCode = &partner
			}
			f.Rows++
			return enc.Encode(rec)
		}
		for t, tn := range g.towns {
			for vi, v := range reg.villages {
				if v.town != t || !reg.villageAt(vi, y) {
					continue
				}
				partner := ""
				if v.paired != 0 && v.paired <= y {
					partner = v.partner
				}
				if err := emit("P"+v.code, v.name+"党组织", "village", t, true, partner); err != nil {
					return f, err
				}
			}
			for _, ci := range reg.communitiesAt(t, y) {
				c := reg.communities[ci]
				if err := emit("P"+c.code, c.name+"党组织", "community", t, false, ""); err != nil {
					return f, err
				}
			}
			for n, code := range reg.townOrgs[t] {
				name := fmt.Sprintf("示例%s%s党组织", tn.Name, []string{"机关", "非公企业联合", "事业单位"}[n])
				if err := emit(code, name, townOrgSettings[n], t, false, ""); err != nil {
					return f, err
				}
			}
		}
	}
	return f, out.Close()
}

// communityRecord is one record of the community register's API page.
type communityRecord struct {
	SnapshotDate  string    `json:"snapshotDate"`
	RegionCode    string    `json:"regionCode"`
	CommunityCode string    `json:"communityCode"`
	Name          string    `json:"name"`
	Staffing      staffing  `json:"staffing"`
	VenueM2       float64   `json:"venueM2"`
	FundingYuan   float64   `json:"fundingYuan"`
	Residents     int       `json:"residents"`
	Households    int       `json:"households"`
	Compounds     compounds `json:"compounds"`
}

type staffing struct {
	Staff                 int `json:"staff"`
	FulltimeSocialWorkers int `json:"fulltimeSocialWorkers"`
}

type compounds struct {
	Total           int `json:"total"`
	WithPartyBranch int `json:"withPartyBranch"`
}

// communityAt returns community ci's record at the end of year; sizes is the
// sum of the sizes of its township's communities then (its urban residents
// are shared out by size).
func (g *Generator) communityAt(ci, year int, sizes float64) communityRecord {
	c := g.reg.communities[ci]
	residents := int(float64(g.pop[year][c.town].urbanResident) * c.size / sizes)
	households := int(float64(residents) / (2.9 - 0.3*clamp(float64(year-2000)/24, 0, 1)))
	staff := c.staff
	if year < 2010 {
		staff = max(3, staff-1)
	}
	workers := 0
	if year >= c.workerYear {
		workers = 1
		if staff >= 5 && year >= c.workerYear+4 {
			workers = 2
		}
	}
	total := max(1, int(math.Round(float64(residents)/1800*c.compounds/2.5)))
	share := clamp(interp(curveCompound, float64(year))*(0.8+0.4*(c.venueFactor-0.7)/0.6), 0, 1)
	return communityRecord{
		SnapshotDate: fmt.Sprintf("%d-12-31", year), RegionCode: g.towns[c.town].Code,
		CommunityCode: c.code, Name: c.name,
		Staffing:    staffing{Staff: staff, FulltimeSocialWorkers: workers},
		VenueM2:     math.Round(float64(households)/100*interp(curveVenuePer100, float64(year))*c.venueFactor/10) * 10,
		FundingYuan: math.Round(120_000*c.fundingBase*(1+0.06*float64(year-2000))/1000) * 1000,
		Residents:   residents, Households: households,
		Compounds: compounds{Total: total, WithPartyBranch: int(float64(total) * share)},
	}
}

// writeCommunities writes the community register as one page of a JSON API:
// an envelope with the records under data.records, a snapshot per year-end.
func (g *Generator) writeCommunities(dir string) (File, error) {
	f := File{Name: "communities.json",
		About: fmt.Sprintf("community register, a snapshot per year %d-%d, JSON API page", RegisterFirstYear, LastYear)}
	var recs []communityRecord
	for _, y := range registerYears() {
		for t := range g.towns {
			comms := g.reg.communitiesAt(t, y)
			var sizes float64
			for _, ci := range comms {
				sizes += g.reg.communities[ci].size
			}
			for _, ci := range comms {
				recs = append(recs, g.communityAt(ci, y, sizes))
			}
		}
	}
	f.Rows = len(recs)
	page := map[string]any{
		"code": 0, "message": "success", "note": Notice,
		"data": map[string]any{"total": len(recs), "page": 1, "pageSize": len(recs), "records": recs},
	}
	b, err := json.Marshal(page)
	if err != nil {
		return f, err
	}
	return f, os.WriteFile(filepath.Join(dir, f.Name), append(b, '\n'), 0o644)
}
