package demodata

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// partyOrgRecord is one line of the NDJSON dump, as an organisation-management
// system's API would export it.
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

// writePartyOrgs writes the party-organisation register as NDJSON.
func writePartyOrgs(dir string) (File, error) {
	f := File{Name: "party_orgs.json", About: "party-organisation register, NDJSON API dump"}
	_, orgs := registers()
	out, err := os.Create(filepath.Join(dir, f.Name))
	if err != nil {
		return f, err
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, o := range orgs {
		rec := partyOrgRecord{OrgCode: o.Code, Name: o.Name, Kind: o.Kind, Setting: o.Setting,
			RegionCode: o.Region, Members: o.Members, SecretaryBirthYear: o.SecretaryBirthYear,
			SnapshotDate: SnapshotDate, Note: "synthetic"}
		if o.UrbanPartner != "" {
			p := o.UrbanPartner
			rec.UrbanPartnerCode = &p
		}
		if err := enc.Encode(rec); err != nil {
			return f, err
		}
		f.Rows++
	}
	return f, nil
}
