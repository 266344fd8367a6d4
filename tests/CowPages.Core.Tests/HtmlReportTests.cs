using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CowPages.Map;
using CowPages.Report;
using Xunit;

namespace CowPages.Core.Tests;

public class HtmlReportTests
{
    private const ulong Page = PageGeometry.PageSize;
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(1));
    private static readonly ReportFacts Facts = new("CowPages report <test>", "testhost", "6.18.0-test", Noon, "CowPages 0.1.0");

    private static CowMap SmallMap()
    {
        var heap = new MapRange("[heap]", "rw-p", 0x1000000, 0x1000000 + 64 * Page, ForkMappingSide.Both);
        var thp = new MapRange("[anon]", "rw-p", 0x40000000, 0x40000000 + 512 * Page, ForkMappingSide.Both);
        var odd = new MapRange("/tmp/a \"quoted\" & <odd>\u0001name", "r--p", 0x7f0000000000, 0x7f0000000000 + 4 * Page, ForkMappingSide.ReferenceOnly);
        var builder = new CowMapBuilder(100, 200, new[] { heap, thp, odd }, new MapShape(128, 64, 16));
        builder.Add(heap.Start, 12, ForkPageState.Copied);
        builder.Add(heap.Start + 12 * Page, 52, ForkPageState.Shared);
        builder.Add(thp.Start, 5, ForkPageState.Shared);
        builder.Add(thp.Start + 5 * Page, 1, ForkPageState.Copied);
        builder.Add(thp.Start + 6 * Page, 506, ForkPageState.Shared);
        return builder.Build(CowMethod.Pfn);
    }

    private static CowSummary Summary(int pid, ulong rss, ulong shared, ulong priv, ulong file, ulong swap) =>
        new(pid, "worker", 1, null, CowMethod.Pfn) { Rss = rss, CowShared = shared, CowPrivate = priv, File = file, Swap = swap, Pss = rss / 2 };

    private static List<ReportSample> Samples()
    {
        var samples = new List<ReportSample>();
        for (int i = 0; i < 10; i++)
        {
            foreach (int child in new[] { 200, 201 })
            {
                samples.Add(new ReportSample(Noon.AddSeconds(i), TimeSpan.FromSeconds(i), 100, child, (ulong)(1000 - i * 10) * Page,
                    (ulong)(i * 10 * (child - 199)) * Page, 10.0 * (child - 199) * Page, "Pfn", null));
            }
        }
        return samples;
    }

    private static string FullReport()
    {
        var report = new HtmlReport(Facts);
        report.AddComparison(SmallMap());
        report.AddSummaries(new[] { Summary(100, 40 * Page, 10 * Page, 20 * Page, 5 * Page, 3 * Page), Summary(200, 20 * Page, 10 * Page, 2 * Page, 5 * Page, 0) });
        report.AddSamples(Samples());
        return report.ToHtml();
    }

    private static XDocument Parse(string html) =>
        XDocument.Load(XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }));

    [Fact]
    public void IsWellFormedXmlWithEverySection()
    {
        XDocument doc = Parse(FullReport());
        Assert.Equal("html", doc.Root!.Name.LocalName);
        Assert.Single(doc.Descendants("svg"), e => (string?)e.Attribute("class") == "map");
        Assert.Single(doc.Descendants("svg"), e => (string?)e.Attribute("class") == "summary");
        Assert.Equal(2, doc.Descendants("svg").Count(e => (string?)e.Attribute("class") == "samples"));
        Assert.Equal("testhost", doc.Descendants("dd").Single(e => (string?)e.Attribute("id") == "host").Value);
        Assert.Equal("6.18.0-test", doc.Descendants("dd").Single(e => (string?)e.Attribute("id") == "kernel").Value);
        Assert.Equal("2026-12-01T12:00:00+01:00", (string?)doc.Descendants("time").Single().Attribute("datetime"));
        Assert.Equal("Pfn", doc.Descendants("dd").Single(e => (string?)e.Attribute("id") == "method").Value);
        Assert.Contains("200 compared with 100", doc.Descendants("dd").Single(e => (string?)e.Attribute("id") == "pids").Value);
        Assert.Equal("CowPages report <test>", doc.Descendants("title").First().Value);
    }

    [Fact]
    public void LoadsNothingFromAnywhereAndNeedsNoScript()
    {
        string html = FullReport();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"\bon[a-z]+\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(", RegexOptions.IgnoreCase), html);
        XDocument doc = Parse(html);
        // The only links are to the page's own sections.
        Assert.All(doc.Descendants().Attributes("href"), a => Assert.StartsWith("#", a.Value));
        Assert.Empty(doc.Descendants().Attributes("src"));
        Assert.Contains("default-src 'none'", (string?)doc.Descendants("meta").Single(m => (string?)m.Attribute("http-equiv") == "Content-Security-Policy").Attribute("content"));
    }

    [Fact]
    public void TheTableHoldsTheRangesNumbersMostCopiedFirstAndRanksForTheOtherOrders()
    {
        XDocument doc = Parse(FullReport());
        List<XElement> rows = doc.Descendants("table").Single(t => (string?)t.Attribute("class") == "ranges").Element("tbody")!.Elements("tr").ToList();
        Assert.Equal(new[] { "[heap]", "[anon]", "/tmp/a \"quoted\" & <odd>\uFFFDname" }, rows.Select(r => (string?)r.Attribute("data-mapping")));
        Assert.Equal(new[] { "12", "52" }, new[] { "copied", "shared" }.Select(c => rows[0].Elements("td").Single(td => (string?)td.Attribute("class") == c).Value));
        Assert.Equal("49152", (string?)rows[0].Attribute("data-copied-bytes"));
        Assert.Equal("511", rows[1].Elements("td").Single(td => (string?)td.Attribute("class") == "shared").Value);
        Assert.Equal("--address:0;--shared:1;--pages:1;--mapping:2", (string?)rows[0].Attribute("style"));
        Assert.Equal("--address:1;--shared:0;--pages:0;--mapping:1", (string?)rows[1].Attribute("style"));
        Assert.Single(doc.Descendants("input"), i => (string?)i.Attribute("checked") == "checked" && (string?)i.Attribute("class") == "by-copied");
    }

    [Fact]
    public void TheMapShowsTheCopyInTheHugePageAndTheRowsNumbers()
    {
        XDocument doc = Parse(FullReport());
        XElement svg = doc.Descendants("svg").Single(e => (string?)e.Attribute("class") == "map");
        List<XElement> rows = svg.Elements("g").Where(g => (string?)g.Attribute("class") == "row").ToList();
        XElement thp = Assert.Single(rows, r => (string?)r.Attribute("data-start") == "0x40000000");
        Assert.Equal(("1", "511"), ((string?)thp.Attribute("data-copied"), (string?)thp.Attribute("data-shared")));
        // The second row, 32 cells of 16 pages: cell 0 holds the copy, drawn as an eighth of a cell in the copied colour.
        XElement copies = Assert.Single(thp.Elements("path"), p => (string?)p.Attribute("class") == "st-copied");
        Assert.Equal("M100 87.5h6v1.5h-6z", (string?)copies.Attribute("d"));
        Assert.Equal("M100 77h192v12h-192z", (string?)thp.Elements("path").Single(p => (string?)p.Attribute("class") == "st-shared").Attribute("d"));
        Assert.Contains("1 cell = 64 KiB", svg.Elements("text").Last().Value);
        Assert.Equal(MapPalette.States.Select(s => s.Name), svg.Element("g")!.Elements("text").Select(t => t.Value).Where(t => t != "partly copied"));
    }

    [Fact]
    public void SummariesAndSamplesCarryTheirNumbers()
    {
        XDocument doc = Parse(FullReport());
        XElement first = doc.Descendants("table").Single(t => ((string?)t.Attribute("class"))!.Contains("summaries")).Element("tbody")!.Elements("tr").First();
        Assert.Equal(("100", "163840", "40960", "81920", "20480", "20480", "12288"), ((string?)first.Attribute("data-pid"), (string?)first.Attribute("data-rss"),
            (string?)first.Attribute("data-cow-shared"), (string?)first.Attribute("data-cow-private"), (string?)first.Attribute("data-file"),
            (string?)first.Attribute("data-other"), (string?)first.Attribute("data-swap")));
        List<XElement> children = doc.Descendants("table").Single(t => ((string?)t.Attribute("class"))!.Contains("samples")).Element("tbody")!.Elements("tr").ToList();
        Assert.Equal(new[] { "200", "201" }, children.Select(c => (string?)c.Attribute("data-difference")));
        Assert.Equal(("10", (90UL * 2 * Page).ToString(), (910 * Page).ToString(), (20.0 * Page).ToString("R")),
            ((string?)children[1].Attribute("data-samples"), (string?)children[1].Attribute("data-last-copied"),
             (string?)children[1].Attribute("data-last-shared"), (string?)children[1].Attribute("data-peak-rate")));
        Assert.Equal(3, doc.Descendants("svg").First(e => (string?)e.Attribute("class") == "samples").Elements("polyline").Count());
    }

    [Fact]
    public void SamplesTakenPerMappingAreAddedUpPerTime()
    {
        var samples = new List<ReportSample>();
        foreach (string mapping in new[] { "[heap]", "[anon]" })
        {
            samples.Add(new ReportSample(Noon, TimeSpan.Zero, 100, 200, 10 * Page, 0, 0, "Pfn", mapping));
            samples.Add(new ReportSample(Noon.AddSeconds(1), TimeSpan.FromSeconds(1), 100, 200, 8 * Page, 2 * Page, 2.0 * Page, "Pfn", mapping));
        }
        var report = new HtmlReport(Facts);
        report.AddSamples(samples);
        XElement child = Parse(report.ToHtml()).Descendants("table").Single().Element("tbody")!.Elements("tr").Single();
        Assert.Equal(("2", (4 * Page).ToString(), (16 * Page).ToString()),
            ((string?)child.Attribute("data-samples"), (string?)child.Attribute("data-last-copied"), (string?)child.Attribute("data-last-shared")));
    }

    [Fact]
    public void AnEightGibibyteChildsReportStaysUnderTwoMebibytes()
    {
        // The bench's child: 8 GiB with every 4th page copied, and forty small ranges with copies at random.
        var random = new Random(14);
        var ranges = new List<MapRange> { new("[anon]", "rw-p", 0x7f0000000000, 0x7f0000000000 + (8UL << 30), ForkMappingSide.Both) };
        for (int i = 0; i < 40; i++)
        {
            ulong start = 0x500000000000 + (ulong)i * 0x10000000;
            ranges.Add(new($"/usr/lib/lib{i}.so", "r--p", start, start + (ulong)random.Next(1, 600) * Page, ForkMappingSide.Both));
        }
        var builder = new CowMapBuilder(100, 200, ranges, MapShape.Report);
        for (ulong page = 0; page < (8UL << 18); page += 4)
        {
            builder.Add(0x7f0000000000 + page * Page, 1, ForkPageState.Copied);
            builder.Add(0x7f0000000000 + (page + 1) * Page, 3, ForkPageState.Shared);
        }
        foreach (MapRange r in ranges.Skip(1))
        {
            for (ulong page = 0; page < r.Pages; page++)
            {
                builder.Add(r.Start + page * Page, 1, random.Next(5) == 0 ? ForkPageState.Copied : ForkPageState.Shared);
            }
        }
        CowMap map = builder.Build(CowMethod.Pfn);
        var report = new HtmlReport(Facts);
        report.AddComparison(map);
        int bytes = Encoding.UTF8.GetByteCount(report.ToHtml());
        Assert.True(bytes < 2 << 20, $"{bytes} bytes");
        Assert.Equal(2UL << 18, map.Ranges.Single(r => r.Start == 0x7f0000000000).Counts.Copied);
    }

    [Fact]
    public void EvenWhenNoTwoCellsLookAlikeTheSizeIsBoundByTheCellsNotTheMemory()
    {
        var random = new Random(14);
        var ranges = new List<MapRange> { new("[anon]", "rw-p", 0x7f0000000000, 0x7f0000000000 + (8UL << 30), ForkMappingSide.Both) };
        var builder = new CowMapBuilder(100, 200, ranges, MapShape.Report);
        ulong cell = builder.PagesPerCell;
        for (ulong page = 0; page < (8UL << 18); page += cell)
        {
            ulong copied = (ulong)random.Next(0, (int)cell + 1);
            builder.Add(0x7f0000000000 + page * Page, copied, ForkPageState.Copied);
            builder.Add(0x7f0000000000 + (page + copied) * Page, cell - copied, ForkPageState.Shared);
        }
        var report = new HtmlReport(Facts);
        report.AddComparison(builder.Build(CowMethod.Pfn));
        int bytes = Encoding.UTF8.GetByteCount(report.ToHtml());
        Assert.True(bytes < 2 << 20, $"{bytes} bytes");
    }
}
