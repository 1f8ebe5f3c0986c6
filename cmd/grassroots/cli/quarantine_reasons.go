package cli

import (
	"regexp"
	"strings"
)

// The reasons a run gives for a quarantined row are in English, for the run
// record and the analyst (pipelines/run: filter.go, validate.go). The
// hand-back workbook (quarantine --format xlsx) goes to the township that
// filled the row: handBackReasons says the common reasons in Chinese, by the
// column's header, and leaves any other as it is.

// reasonLabel splits a reason about one column: "region_code (区划代码): …".
var reasonLabel = regexp.MustCompile(`^([a-z_][a-z0-9_]*)(?: \((.+?)\))?: (.*)$`)

// checkReason is a failed check's message followed by its SQL.
var checkReason = regexp.MustCompile(`^(.*\p{Han}.*) \(([^\p{Han}]+)\)$`)

// levelNames are the region levels in the words of the hand-back.
var levelNames = map[string]string{
	"0": "全国", "1": "省级", "2": "地级", "3": "县级", "4": "街道/乡镇", "5": "村/社区",
}

// columnReasons say a reason about one column's value in Chinese: each
// pattern's groups, then how to say it.
var columnReasons = []struct {
	re  *regexp.Regexp
	say func(m []string) string
}{
	{regexp.MustCompile(`^missing \(required\)$`), func([]string) string { return "未填写（必填）" }},
	{regexp.MustCompile(`^(.+) is below the minimum (.+)$`), func(m []string) string { return m[1] + " 小于下限 " + m[2] }},
	{regexp.MustCompile(`^(.+) is above the maximum (.+)$`), func(m []string) string { return m[1] + " 大于上限 " + m[2] }},
	{regexp.MustCompile(`^(.+) is not a level-(\d)(?: \(.*\))? code in the region table$`), func(m []string) string {
		return m[1] + " 区划代码不在区划表中（应为第" + m[2] + "级，" + levelNames[m[2]] + "）"
	}},
	{regexp.MustCompile(`^(.+) has no code in recode\.\S+ \(known: (.*)\)$`), func(m []string) string {
		return m[1] + " 不是可选的值（可选：" + strings.ReplaceAll(m[2], ", ", "、") + "）"
	}},
	{regexp.MustCompile(`^(.+) is not one of (.*)$`), func(m []string) string {
		return m[1] + " 不是可选的值（可选：" + strings.ReplaceAll(m[2], ", ", "、") + "）"
	}},
	{regexp.MustCompile(`^(.+) does not match the pattern .*$`), func(m []string) string { return m[1] + " 格式不对" }},
}

// duplicateReason is a row whose key another row has too.
var duplicateReason = regexp.MustCompile(`^duplicate key \((.*)\): the same as row (\d+)(?: of (.+))?$`)

// handBackReasons says a quarantined row's reasons ("; " between them) in
// Chinese where it knows them.
func handBackReasons(reasons string) string {
	parts := strings.Split(reasons, "; ")
	for i, p := range parts {
		parts[i] = handBackReason(p)
	}
	return strings.Join(parts, "；")
}

func handBackReason(r string) string {
	if m := reasonLabel.FindStringSubmatch(r); m != nil {
		label := m[1]
		if m[2] != "" {
			label = m[2]
		}
		for _, c := range columnReasons {
			if cm := c.re.FindStringSubmatch(m[3]); cm != nil {
				return label + "：" + c.say(cm)
			}
		}
		return r
	}
	if m := duplicateReason.FindStringSubmatch(r); m != nil {
		where := "第" + m[2] + "行"
		if m[3] != "" {
			where = m[3] + " " + where
		}
		return "与" + where + "重复（" + m[1] + "）"
	}
	if m := checkReason.FindStringSubmatch(r); m != nil {
		return m[1]
	}
	return r
}
