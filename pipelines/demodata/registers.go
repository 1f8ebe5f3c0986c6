package demodata

import (
	"fmt"
	"math"
)

// partyOrg is one party organisation of the register.
type partyOrg struct {
	Code, Name, Kind, Setting, Region string
	Members, SecretaryBirthYear       int
	UrbanPartner                      string
}

// community is one urban community of the register.
type community struct {
	Code, Name, Region                          string
	Staff, SocialWorkers, Residents, Households int
	VenueM2, FundingYuan                        float64
	Compounds, CompoundsWithBranch              int
}

// registers generates the communities and party organisations together, so
// members, organisations and pairings refer to one another consistently.
func registers() ([]community, []partyOrg) {
	r := rng(3)
	var comms []community
	var orgs []partyOrg
	var urbanOrgs []string
	for _, t := range Townships {
		nComm := int(math.Round(9 * t.scale * t.urban))
		for i := 1; i <= nComm; i++ {
			code := fmt.Sprintf("%s%03d", t.Code, i)
			staff := 3 + r.IntN(5)
			workers := 0
			if r.Float64() < 0.82 {
				workers = 1 + r.IntN(3)
			}
			residents := 3000 + r.IntN(9000)
			compounds := 2 + r.IntN(9)
			comms = append(comms, community{
				Code: code, Name: fmt.Sprintf("示例社区%s-%02d", t.Name, i), Region: t.Code,
				Staff: staff, SocialWorkers: workers, Residents: residents, Households: residents * 10 / 27,
				VenueM2: float64(150 + r.IntN(500)), FundingYuan: float64(150000 + r.IntN(300000)),
				Compounds: compounds, CompoundsWithBranch: min(compounds, int(float64(compounds)*(0.5+0.6*r.Float64()))),
			})
			oc := "P" + code
			orgs = append(orgs, partyOrg{Code: oc, Name: fmt.Sprintf("示例社区%s-%02d党总支", t.Name, i),
				Kind: "general_branch", Setting: "community", Region: t.Code,
				Members: 40 + r.IntN(160), SecretaryBirthYear: 1965 + r.IntN(25)})
			urbanOrgs = append(urbanOrgs, oc)
		}
		for i := 1; i <= 3; i++ {
			oc := fmt.Sprintf("P%sE%02d", t.Code, i)
			orgs = append(orgs, partyOrg{Code: oc, Name: fmt.Sprintf("示例%s机关企事业单位第%d党支部", t.Name, i),
				Kind: "branch", Setting: []string{"agency", "enterprise", "public_institution"}[i-1], Region: t.Code,
				Members: 15 + r.IntN(60), SecretaryBirthYear: 1968 + r.IntN(22)})
			urbanOrgs = append(urbanOrgs, oc)
		}
	}
	// Villages: the less urbanised a township, the more villages it keeps.
	for ti, t := range Townships {
		nVil := int(math.Round(22 * t.scale * (1 - t.urban)))
		pairShare := 0.6 + 0.4*float64((ti*5)%7)/6
		for i := 1; i <= nVil; i++ {
			oc := fmt.Sprintf("P%s2%02d", t.Code, i)
			partner := ""
			if r.Float64() < pairShare {
				partner = urbanOrgs[r.IntN(len(urbanOrgs))]
			}
			orgs = append(orgs, partyOrg{Code: oc, Name: fmt.Sprintf("示例%s第%d村党支部", t.Name, i),
				Kind: "branch", Setting: "village", Region: t.Code, Members: 25 + r.IntN(90),
				SecretaryBirthYear: 1958 + r.IntN(30), UrbanPartner: partner})
		}
	}
	return comms, orgs
}
