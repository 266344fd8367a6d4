using System;
using System.Text;
using Xunit;

namespace CowPages.Core.Tests;

public class StatParserTests
{
    private const string FilePath = "/proc/4222/stat";

    // A real line from this machine: bash, PPid 4220, started 248249 ticks after boot.
    private const string Bash = "4222 (bash) S 4220 4222 4222 0 -1 4194560 6748 88819 0 1 14 36 270 333 20 0 1 0 248249 5128192 994 " +
        "18446744073709551615 94297533169664 94297533959069 140723108777776 0 0 0 65536 4 1132560123 1 0 0 17 0 0 0 0 0 0\n";

    private static StatParser.Fields Parse(string line) => StatParser.Parse(Encoding.UTF8.GetBytes(line), FilePath, 4222);

    [Fact]
    public void ReadsStateParentAndStartTime()
    {
        StatParser.Fields f = Parse(Bash);
        Assert.Equal(('S', 4220, 248249UL), (f.State, f.ParentId, f.StartTicks));
        Assert.Equal(TimeSpan.FromMilliseconds(2_482_490), f.StartTime);
    }

    [Fact]
    public void TheCommandNameMayHoldSpacesAndParentheses()
    {
        StatParser.Fields f = Parse(Bash.Replace("(bash)", "(we (ird) ) S 1 2)"));
        Assert.Equal(('S', 4220, 248249UL), (f.State, f.ParentId, f.StartTicks));
    }

    [Theory]
    [InlineData("4222 bash S 4220")]
    [InlineData("4222 (bash) S 4220 4222")]
    [InlineData("4222 (bash) S x 4222 4222 0 -1 4194560 6748 88819 0 1 14 36 270 333 20 0 1 0 248249 5128192")]
    [InlineData("4222 (bash) S 4220 4222 4222 0 -1 4194560 6748 88819 0 1 14 36 270 333 20 0 1 0 -5 5128192")]
    public void AMalformedLineNamesTheFile(string line)
    {
        ProcfsException e = Assert.Throws<ProcfsException>(() => Parse(line));
        Assert.Equal((ProcfsErrorKind.Malformed, FilePath), (e.Kind, e.Path));
    }
}
