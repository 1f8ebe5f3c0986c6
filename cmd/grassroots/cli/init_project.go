package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"grassroots/pipelines"
	piperun "grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/sql/audit"
	"grassroots/sql/indicators"
	"grassroots/sql/warehouse"
)

// loadReference loads the reference data embedded in the binary into w
// through its pipelines, written into project's pipelines folder (a
// temporary folder when there is no project) where the analyst has not
// changed them, as grassroots run would run them: an unchanged file is
// skipped. When anything was loaded, or the
// warehouse has no indicator values yet, the bundled targets are written and
// every indicator computed and audited.
func loadReference(ctx context.Context, e *Env, w *warehouse.Warehouse, project string) error {
	dir := project
	var specs []pipelines.Spec
	var kept []string
	var err error
	if dir == "" {
		tmp, err := os.MkdirTemp("", "grassroots-reference-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
		specs, err = pipelines.WriteReference(dir)
		if err != nil {
			return err
		}
	} else if specs, kept, err = pipelines.SyncReference(dir); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "reference data (published figures; sources in pipelines/refdata/README.md):")
	for _, k := range kept {
		fmt.Fprintf(e.Stdout, "  kept %s: changed in the project since init wrote it, so not replaced by this version's\n", k)
	}
	var loaded int64
	var failed []error
	for _, ps := range specs {
		file := filepath.Join(dir, spec.Dir, ps.File)
		s, err := spec.Parse(file, ps.Data)
		if err != nil {
			return err
		}
		outs, err := piperun.Run(ctx, s, piperun.Options{Project: dir, Warehouse: w, Trigger: "init", Log: e.Log})
		var read, rows, quarantined int64
		skipped := len(outs) > 0
		for _, o := range outs {
			read, rows, quarantined = read+o.Read, rows+o.Loaded, quarantined+o.Quarantined
			if o.Status != warehouse.StatusSkipped {
				skipped = false
			}
		}
		switch {
		case err != nil:
			failed = append(failed, fmt.Errorf("%s: %w", s.Name, err))
			fmt.Fprintf(e.Stdout, "  %-30s failed: %v\n", s.Name, err)
		case skipped:
			fmt.Fprintf(e.Stdout, "  %-30s unchanged\n", s.Name)
		default:
			q := ""
			if quarantined > 0 {
				q = fmt.Sprintf(", %d quarantined", quarantined)
			}
			fmt.Fprintf(e.Stdout, "  %-30s %8d rows loaded%s  %s\n", s.Name, rows, q, s.Description)
			loaded += rows
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("init: reference data: %w", errors.Join(failed...))
	}
	var values int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM indicator_value`).Scan(&values); err != nil {
		return err
	}
	if loaded == 0 && values > 0 {
		return nil
	}
	if _, _, err := indicators.LoadTargets(ctx, w); err != nil {
		return err
	}
	st, err := indicators.ComputeWith(ctx, w, indicators.Options{Trigger: "init"})
	if err != nil {
		return err
	}
	au, err := audit.Run(ctx, w, audit.Options{Trigger: "init"})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	findings := "findings"
	if au.Findings == 1 {
		findings = "finding"
	}
	fmt.Fprintf(e.Stdout, "indicators: %d computed, %d values; audit: %d %s (grassroots audit)\n",
		len(st.Indicators), st.Values, au.Findings, findings)
	return nil
}

// scaffold writes a project's folders, README and .gitignore, each only
// where it is missing: what the analyst changed stays as it is.
func scaffold(e *Env, project, warehousePath, home, name string) error {
	for _, d := range []string{spec.Dir, filepath.Join("inputs", "returns"), filepath.Join("reports", "bulletin")} {
		if err := os.MkdirAll(filepath.Join(project, d), 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	wh, err := filepath.Rel(project, warehousePath)
	if err != nil || strings.HasPrefix(wh, "..") {
		wh = warehousePath
	}
	var readme strings.Builder
	if err := readmeTemplate.Execute(&readme, map[string]string{
		"Code": home, "Name": strings.TrimSpace(name), "Warehouse": filepath.ToSlash(wh),
	}); err != nil {
		return err
	}
	files := []struct{ name, text string }{
		{"README.md", readme.String()},
		{".gitignore", gitignore(filepath.ToSlash(wh))},
	}
	var wrote []string
	for _, f := range files {
		p := filepath.Join(project, f.name)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.WriteFile(p, []byte(f.text), 0o644); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		wrote = append(wrote, f.name)
	}
	abs, err := filepath.Abs(project)
	if err != nil {
		abs = project
	}
	fmt.Fprintf(e.Stdout, "project %s (home region %s %s)", abs, home, strings.TrimSpace(name))
	if len(wrote) > 0 {
		fmt.Fprintf(e.Stdout, ": wrote %s", strings.Join(wrote, ", "))
	}
	fmt.Fprintln(e.Stdout, "\nnext:")
	if filepath.Clean(project) != "." {
		fmt.Fprintf(e.Stdout, "  cd %s\n", project)
	}
	fmt.Fprintln(e.Stdout, "  grassroots report                      # the report site: site/index.html")
	fmt.Fprintln(e.Stdout, "  grassroots new pipeline inputs/FILE    # a pipeline for a file of your own")
	fmt.Fprintln(e.Stdout, "  grassroots sql                         # ask the warehouse in SQL")
	return nil
}

func gitignore(warehouse string) string {
	return `# 数据仓库、其快照和哈希密钥不入版本库（密钥与仓库一并另行备份）
` + warehouse + `
` + warehouse + `.wal
` + strings.TrimSuffix(warehouse, ".duckdb") + `.snapshot.duckdb
*.salt
# 生成的报告网站
site/
`
}

var readmeTemplate = template.Must(template.New("README").Parse(`# {{.Name}}（{{.Code}}）统计数据项目

本文件夹由 ` + "`grassroots init`" + ` 创建，是一个 grassroots 项目：数据仓库、数据管道、输入文件和报告。
本地区（{{.Code}} {{.Name}}）是报告、填报模板、统计公报和上报数据包的默认地区。

| 位置 | 内容 |
|---|---|
| ` + "`{{.Warehouse}}`" + ` | 数据仓库（一个 DuckDB 文件，DuckDB 1.5.6 及以上的客户端都能打开） |
| ` + "`{{.Warehouse}}.salt`" + ` | 对党员编号做哈希的密钥：与仓库一起备份，不得外传，不入版本库 |
| ` + "`pipelines/`" + ` | 数据管道（YAML）。` + "`refdata_*.yaml`" + ` 是内置的参考数据：行政区划代码及变更对照、全国城镇化序列、第六次和第七次人口普查分县数据、党内统计公报、世界银行数据，来源见 ` + "`pipelines/refdata/README.md`" + `；自己的管道也放在这里 |
| ` + "`inputs/`" + ` | 管道读取的文件；` + "`inputs/returns/`" + ` 放下级报回的填报表 |
| ` + "`reports/bulletin/`" + ` | 自己改写的统计公报段落模板（同名文件替换内置模板） |
| ` + "`site/`" + ` | 生成的报告网站（离线可看，可打印 A4） |

## 下一步

` + "```sh" + `
grassroots report                        # 生成本地区的报告网站：site/index.html
grassroots new pipeline inputs/文件.xlsx   # 按一个输入文件生成数据管道，核对后运行
grassroots run 管道名                     # 运行数据管道（一次一个事务，错误行进隔离区）
grassroots template 管道名                # 生成给下级填报的 Excel 模板
grassroots bulletin                      # 生成统计公报（Word 文档）
grassroots sql                           # 用 SQL 查询数据仓库
grassroots help                          # 全部命令
` + "```" + `

再次运行 ` + "`grassroots init`" + ` 是安全的：只更新过期的部分（数据库结构、内置参考数据），不覆盖你改过的文件。
`))
