package reports

import (
	"context"
	"strings"
	"testing"

	"grassroots/reports/bulletin"
)

// A region page opens with the bulletin of its region, above the charts,
// escaped; the synthetic district's paragraphs say they are synthetic, and
// an English page has none (the bulletin is written in Chinese).
func TestPageOpensWithBulletin(t *testing.T) {
	db := fixtureDB(t)
	tmpl, err := RegionTemplate()
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildRegion(context.Background(), db, tmpl, "310112", Zh)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Bulletin) == 0 {
		t.Fatal("no bulletin on the district's page")
	}
	want := "【示例数据】2004年末，全区常住人口120.00万人，其中城镇常住人口96.60万人；常住人口城镇化率为80.5%，" +
		"比1992年提高41.3个百分点，距2010年85.0%的目标还差4.5个百分点，按近年速度预计2006年达标。户籍人口城镇化率为64.3%，比1992年提高31.0个百分点。"
	if got := p.Bulletin[0].Paragraphs[0]; got != want {
		t.Errorf("first paragraph:\n%s\nwant\n%s", got, want)
	}
	p.Bulletin = append(p.Bulletin, bulletin.Section{Title: "<b>标题</b>", Paragraphs: []string{"<script>alert(1)</script>"}})
	b, err := PageHTML(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	at, block := strings.Index(html, `<section class="bulletin"`), strings.Index(html, `<section class="block`)
	if at < 0 || block < 0 || at > block {
		t.Fatalf("the bulletin (at %d) does not open the page before the charts (at %d)", at, block)
	}
	if !strings.Contains(html, "<p>"+want+"</p>") {
		t.Error("the paragraph is not on the page")
	}
	if strings.Contains(html, "<script>alert(1)") || !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		!strings.Contains(html, "<h3>&lt;b&gt;标题&lt;/b&gt;</h3>") {
		t.Error("bulletin text is not escaped")
	}
	en, err := BuildRegion(context.Background(), db, tmpl, "310112", En)
	if err != nil {
		t.Fatal(err)
	}
	if len(en.Bulletin) != 0 {
		t.Errorf("English page has a Chinese bulletin: %v", en.Bulletin)
	}
}
