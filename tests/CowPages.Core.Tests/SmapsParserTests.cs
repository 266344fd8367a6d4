using System.Collections.Generic;
using Xunit;

namespace CowPages.Core.Tests;

// Text in the exact layout of fs/proc/task_mmu.c (show_smap, show_smaps_rollup) on 6.18: the header is a maps line,
// sizes are "%8lu kB" after a padded name, and VmFlags/THPeligible/ProtectionKey lines carry no size.
public class SmapsParserTests
{
    private const string RollupPath = "/proc/4242/smaps_rollup";
    private const string SmapsPath = "/proc/4242/smaps";

    private const string Rollup =
        "55ed6935e000-7fffddc80000 ---p 00000000 00:00 0                          [rollup]\n" +
        "Rss:                3828 kB\n" +
        "Pss:                 592 kB\n" +
        "Pss_Dirty:           132 kB\n" +
        "Pss_Anon:            108 kB\n" +
        "Pss_File:            484 kB\n" +
        "Pss_Shmem:             0 kB\n" +
        "Shared_Clean:       3544 kB\n" +
        "Shared_Dirty:          0 kB\n" +
        "Private_Clean:       156 kB\n" +
        "Private_Dirty:       128 kB\n" +
        "Referenced:         3828 kB\n" +
        "Anonymous:           128 kB\n" +
        "KSM:                   0 kB\n" +
        "LazyFree:              0 kB\n" +
        "AnonHugePages:      2048 kB\n" +
        "ShmemPmdMapped:        0 kB\n" +
        "FilePmdMapped:         0 kB\n" +
        "Shared_Hugetlb:        0 kB\n" +
        "Private_Hugetlb:       0 kB\n" +
        "Swap:                 16 kB\n" +
        "SwapPss:               8 kB\n" +
        "Locked:                0 kB\n";

    private const string TwoVmas =
        "55ed6935e000-55ed69360000 r--p 00000000 fe:00 247629                     /usr/bin/cat\n" +
        "Size:                  8 kB\n" +
        "KernelPageSize:        4 kB\n" +
        "MMUPageSize:           4 kB\n" +
        "Rss:                   8 kB\n" +
        "Pss:                   4 kB\n" +
        "Pss_Dirty:             0 kB\n" +
        "Shared_Clean:          8 kB\n" +
        "Shared_Dirty:          0 kB\n" +
        "Private_Clean:         0 kB\n" +
        "Private_Dirty:         0 kB\n" +
        "Referenced:            8 kB\n" +
        "Anonymous:             0 kB\n" +
        "KSM:                   0 kB\n" +
        "LazyFree:              0 kB\n" +
        "AnonHugePages:         0 kB\n" +
        "ShmemPmdMapped:        0 kB\n" +
        "FilePmdMapped:         0 kB\n" +
        "Shared_Hugetlb:        0 kB\n" +
        "Private_Hugetlb:       0 kB\n" +
        "Swap:                  0 kB\n" +
        "SwapPss:               0 kB\n" +
        "Locked:                0 kB\n" +
        "THPeligible:           0\n" +
        "ProtectionKey:         0\n" +
        "VmFlags: rd mr mw me dw sd \n" +
        "7f0133000000-7f0133400000 rw-p 00000000 00:00 0 \n" +
        "Size:               4096 kB\n" +
        "KernelPageSize:        4 kB\n" +
        "MMUPageSize:           4 kB\n" +
        "Rss:                2060 kB\n" +
        "Pss:                1030 kB\n" +
        "Anonymous:          2060 kB\n" +
        "AnonHugePages:      2048 kB\n" +
        "Swap:                 12 kB\n" +
        "THPeligible:           1\n" +
        "VmFlags: rd wr mr mw me ac sd hg \n";

    [Fact]
    public void RollupFieldsAreBytes()
    {
        SmapsEntry e = Assert.Single(SmapsParser.Parse(Rollup, RollupPath, 4242));
        Assert.Equal(0x55ed6935e000UL, e.Start);
        Assert.Equal(3828UL * 1024, e["Rss"]);
        Assert.Equal(592UL * 1024, e["Pss"]);
        Assert.Equal(132UL * 1024, e["Pss_Dirty"]);
        Assert.Equal(128UL * 1024, e["Anonymous"]);
        Assert.Equal(2048UL * 1024, e["AnonHugePages"]);
        Assert.Equal(16UL * 1024, e["Swap"]);
        Assert.Equal(8UL * 1024, e["SwapPss"]);
        Assert.Equal(0UL, e["KSM"]);
        Assert.True(e.Bytes.ContainsKey("KSM"), "a 0 kB field is still a field");
        Assert.Equal(22, e.Bytes.Count);
    }

    [Fact]
    public void MissingFieldReadsZero()
    {
        SmapsEntry e = Assert.Single(SmapsParser.Parse(Rollup, RollupPath, 4242));
        Assert.False(e.Bytes.ContainsKey("Size"));
        Assert.Equal(0UL, e["Size"]);
        Assert.Equal(0UL, e["rss"]);   // names are case-sensitive, as the kernel prints them
    }

    [Fact]
    public void PerVmaEntriesKeepTheirOwnFields()
    {
        List<SmapsEntry> entries = SmapsParser.Parse(TwoVmas, SmapsPath, 4242);
        Assert.Equal(2, entries.Count);
        Assert.Equal(0x55ed6935e000UL, entries[0].Start);
        Assert.Equal(0x7f0133000000UL, entries[1].Start);
        Assert.Equal(8UL * 1024, entries[0]["Rss"]);
        Assert.Equal(4UL * 1024, entries[0]["Pss"]);
        Assert.Equal(4096UL * 1024, entries[1]["Size"]);
        Assert.Equal(2060UL * 1024, entries[1]["Rss"]);
        Assert.Equal(1030UL * 1024, entries[1]["Pss"]);
        Assert.Equal(2048UL * 1024, entries[1]["AnonHugePages"]);
        Assert.Equal(12UL * 1024, entries[1]["Swap"]);
        Assert.Equal(0UL, entries[1]["Locked"]);   // absent from the second VMA's text
        Assert.Equal(22, entries[0].Bytes.Count);
        Assert.Equal(8, entries[1].Bytes.Count);
    }

    [Fact]
    public void LinesWithoutKbAreIgnored()
    {
        List<SmapsEntry> entries = SmapsParser.Parse(TwoVmas, SmapsPath, 4242);
        foreach (SmapsEntry e in entries)
        {
            Assert.False(e.Bytes.ContainsKey("THPeligible"));
            Assert.False(e.Bytes.ContainsKey("VmFlags"));
            Assert.False(e.Bytes.ContainsKey("ProtectionKey"));
            Assert.Equal(0UL, e["THPeligible"]);
        }
    }

    [Fact]
    public void FieldsBeforeAnyHeaderAreIgnored()
    {
        SmapsEntry e = Assert.Single(SmapsParser.Parse("Rss: 4 kB\n" + Rollup, RollupPath, 4242));
        Assert.Equal(3828UL * 1024, e["Rss"]);
    }

    [Fact]
    public void EmptyTextGivesNoEntries()
    {
        Assert.Empty(SmapsParser.Parse("", RollupPath, 4242));
        Assert.Empty(SmapsParser.Parse("\n", RollupPath, 4242));
    }

    [Fact]
    public void LastLineWithoutNewlineIsParsed()
    {
        SmapsEntry e = Assert.Single(SmapsParser.Parse(Rollup.TrimEnd('\n'), RollupPath, 4242));
        Assert.Equal(0UL, e["Locked"]);
        Assert.True(e.Bytes.ContainsKey("Locked"));
    }

    [Theory]
    [InlineData("Rss:                38x8 kB")]
    [InlineData("Rss:                     kB")]
    [InlineData("Rss:               -3828 kB")]
    [InlineData("Rss:              3 828 kB")]
    [InlineData("Rss:      99999999999999999999 kB")]   // past ulong
    public void MalformedSizeThrowsMalformed(string line)
    {
        string text = Rollup.Replace("Rss:                3828 kB", line);
        Assert.Contains(line, text);
        var e = Assert.Throws<ProcfsException>(() => SmapsParser.Parse(text, RollupPath, 4242));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Equal(RollupPath, e.Path);
        Assert.Equal(4242, e.ProcessId);
        Assert.Contains(RollupPath, e.Message);
        Assert.Contains("process 4242", e.Message);
    }

    [Fact]
    public void MalformedHeaderThrowsMalformed()
    {
        var e = Assert.Throws<ProcfsException>(() =>
            SmapsParser.Parse("55ed6935ezzz-55ed69360000 r--p 00000000 fe:00 1 /a\nRss: 4 kB\n", SmapsPath, null));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Null(e.ProcessId);
        Assert.DoesNotContain("process", e.Message);
    }
}
