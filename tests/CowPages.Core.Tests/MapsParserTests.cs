using System.Collections.Generic;
using System.Text;
using Xunit;

namespace CowPages.Core.Tests;

// MapsParser.Parse is the boundary where a FormatException becomes a ProcfsException that names the
// file, the process and the line, which is all a user gets when a kernel prints something unexpected.
public class MapsParserTests
{
    private const string FilePath = "/proc/1234/maps";

    private static List<MemoryMapping> Parse(string text) =>
        MapsParser.Parse(Encoding.UTF8.GetBytes(text), FilePath, 1234);

    [Fact]
    public void ParsesEveryLineInOrder()
    {
        List<MemoryMapping> maps = Parse(
            "558d196a6000-558d196a8000 r--p 00000000 fe:00 247629                     /usr/bin/head\n" +
            "5580abf3d000-5580abf5e000 rw-p 00000000 00:00 0                          [heap]\n" +
            "7f01330f3000-7f01330f6000 rw-p 00000000 00:00 0 \n" +
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
        Assert.Equal(["/usr/bin/head", "[heap]", "[anon]", "[vsyscall]"], maps.ConvertAll(m => m.Name));
    }

    [Fact]
    public void BlankLinesAreSkipped()
    {
        List<MemoryMapping> maps = Parse(
            "\n" +
            "00400000-00401000 r--p 00000000 fe:00 1 /a\n" +
            "\n\n" +
            "00401000-00402000 r-xp 00001000 fe:00 1 /a\n" +
            "\n");
        Assert.Equal(2, maps.Count);
        Assert.Equal(0x401000UL, maps[1].Start);
    }

    [Fact]
    public void LastLineWithoutNewlineIsParsed()
    {
        List<MemoryMapping> maps = Parse("00400000-00401000 r--p 00000000 fe:00 1 /a\n00401000-00402000 r-xp 00001000 fe:00 1 /b");
        Assert.Equal("/b", maps[1].Name);
    }

    [Fact]
    public void EmptyTextGivesNoMappings()
    {
        // A kernel thread or zombie has an empty maps file.
        Assert.Empty(Parse(""));
    }

    [Theory]
    [InlineData("00400000-00452000 r-xp 00000000 08:02")]
    [InlineData("0040000g-00452000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00452000-00400000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-x 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 12a /x")]
    public void MalformedLineBecomesProcfsExceptionNamingTheLine(string badLine)
    {
        // The blank line counts: line numbers are the file's, not the count of mappings.
        string text = "00400000-00401000 r--p 00000000 fe:00 1 /a\n\n" + badLine + "\n";
        var e = Assert.Throws<ProcfsException>(() => Parse(text));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Equal(FilePath, e.Path);
        Assert.Equal(1234, e.ProcessId);
        Assert.Contains("line 3", e.Message);
        Assert.Contains(FilePath, e.Message);
        Assert.Contains("process 1234", e.Message);
    }

    [Fact]
    public void MalformedWithoutProcessOmitsIt()
    {
        var e = Assert.Throws<ProcfsException>(() =>
            MapsParser.Parse(Encoding.ASCII.GetBytes("garbage"), "maps.txt", null));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Null(e.ProcessId);
        Assert.Contains("line 1", e.Message);
        Assert.DoesNotContain("process", e.Message);
    }
}
