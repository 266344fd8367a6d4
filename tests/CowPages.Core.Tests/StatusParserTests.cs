using Xunit;

namespace CowPages.Core.Tests;

public class StatusParserTests
{
    private const string FilePath = "/proc/4321/status";

    // The head of a real /proc/PID/status: tab after the colon, more fields after the ones we use.
    private const string Bash =
        "Name:\tbash\n" +
        "Umask:\t0022\n" +
        "State:\tS (sleeping)\n" +
        "Tgid:\t4321\n" +
        "Ngid:\t0\n" +
        "Pid:\t4321\n" +
        "PPid:\t1200\n" +
        "TracerPid:\t0\n" +
        "Uid:\t0\t0\t0\t0\n";

    [Fact]
    public void ReadsNameParentAndState()
    {
        ProcessStatus s = StatusParser.Parse(Bash, FilePath, 4321);
        Assert.Equal("bash", s.Name);
        Assert.Equal(1200, s.ParentId);
        Assert.Equal('S', s.State);
    }

    [Fact]
    public void ReadsTheResidentSizeWhenThereIsOne()
    {
        Assert.Equal(5120UL, StatusParser.Parse(Bash + "VmHWM:\t6000 kB\nVmRSS:\t    5120 kB\n", FilePath, 4321).ResidentKiB);
        // Kernel threads and zombies have no Vm lines.
        Assert.Null(StatusParser.Parse(Bash, FilePath, 4321).ResidentKiB);
    }

    [Fact]
    public void NameMayContainSpacesAndColons()
    {
        ProcessStatus s = StatusParser.Parse("Name:\tWeb Content:1\nState:\tZ (zombie)\nPPid:\t0\n", FilePath, 4321);
        Assert.Equal("Web Content:1", s.Name);
        Assert.Equal('Z', s.State);
        Assert.Equal(0, s.ParentId);
    }

    [Fact]
    public void MissingStateIsUnknown()
    {
        ProcessStatus s = StatusParser.Parse("Name:\tx\nPPid:\t1\n", FilePath, 4321);
        Assert.Equal('?', s.State);
    }

    [Fact]
    public void MissingPPidIsMalformed()
    {
        var e = Assert.Throws<ProcfsException>(() =>
            StatusParser.Parse("Name:\tbash\nState:\tS (sleeping)\nPid:\t4321\n", FilePath, 4321));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Equal(FilePath, e.Path);
        Assert.Equal(4321, e.ProcessId);
        Assert.Contains(FilePath, e.Message);
    }

    [Fact]
    public void MissingNameIsMalformed()
    {
        var e = Assert.Throws<ProcfsException>(() => StatusParser.Parse("PPid:\t1\n", FilePath, 4321));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
    }

    [Fact]
    public void NonNumericPPidIsMalformed()
    {
        var e = Assert.Throws<ProcfsException>(() => StatusParser.Parse("Name:\tx\nPPid:\tone\n", FilePath, 4321));
        Assert.Equal(ProcfsErrorKind.Malformed, e.Kind);
        Assert.Contains("one", e.Message);
    }
}
