using System;
using System.Text;
using CowPages.Decoding;
using Xunit;

namespace CowPages.Core.Tests;

// Lines are copied from real /proc/PID/maps output (show_map_vma in fs/proc/task_mmu.c), including the
// kernel's column padding, because the path is found by skipping that padding.
public class MapsLineParserTests
{
    private static MemoryMapping Parse(string line) => MapsLineParser.Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void FileBackedLine()
    {
        MemoryMapping m = Parse("558d196a8000-558d196ae000 r-xp 00002000 fe:00 247629                     /usr/bin/head");
        Assert.Equal(0x558d196a8000UL, m.Start);
        Assert.Equal(0x558d196ae000UL, m.End);
        Assert.Equal(0x6000UL, m.Size);
        Assert.Equal("r-xp", m.Permissions);
        Assert.Equal(0x2000UL, m.Offset);
        Assert.Equal("fe:00", m.Device);
        Assert.Equal(247629UL, m.Inode);
        Assert.Equal("/usr/bin/head", m.Path);
        Assert.Equal("/usr/bin/head", m.Name);
        Assert.False(m.Deleted);
        Assert.True(m.IsPrivate);
        Assert.False(m.IsShared);
        Assert.True(m.IsFileBacked);
        Assert.False(m.IsPseudo);
    }

    [Fact]
    public void PathWithSpacesIsKeptWhole()
    {
        MemoryMapping m = Parse("7f0133383000-7f0133385000 r--p 00000000 fe:00 1311                       /home/u/My Files/lib two.so");
        Assert.Equal("/home/u/My Files/lib two.so", m.Path);
    }

    [Fact]
    public void DeletedSuffixIsStripped()
    {
        MemoryMapping m = Parse("7f0133000000-7f0133100000 rw-s 00000000 00:01 3074                       /memfd:buffer (deleted)");
        Assert.True(m.Deleted);
        Assert.Equal("/memfd:buffer", m.Path);
        Assert.Equal("/memfd:buffer", m.Name);
        Assert.True(m.IsShared);
        Assert.True(m.IsFileBacked);
    }

    [Fact]
    public void DeletedInsideThePathIsNotASuffix()
    {
        MemoryMapping m = Parse("7f0133000000-7f0133100000 r--p 00000000 fe:00 12 /tmp/a (deleted) b");
        Assert.False(m.Deleted);
        Assert.Equal("/tmp/a (deleted) b", m.Path);
    }

    [Theory]
    [InlineData("5580abf3d000-5580abf5e000 rw-p 00000000 00:00 0                          [heap]", "[heap]", "rw-p")]
    [InlineData("7ffc141c1000-7ffc141e2000 rw-p 00000000 00:00 0                          [stack]", "[stack]", "rw-p")]
    [InlineData("7f0133383000-7f0133385000 r-xp 00000000 00:00 0                          [vdso]", "[vdso]", "r-xp")]
    [InlineData("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", "[vsyscall]", "--xp")]
    public void PseudoMappings(string line, string name, string perms)
    {
        MemoryMapping m = Parse(line);
        Assert.Equal(name, m.Name);
        Assert.Equal(name, m.Path);
        Assert.Equal(perms, m.Permissions);
        Assert.True(m.IsPseudo);
        Assert.False(m.IsFileBacked);
        Assert.Equal(0UL, m.Inode);
    }

    [Fact]
    public void VsyscallAddressesUseAllSixteenDigits()
    {
        MemoryMapping m = Parse("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]");
        Assert.Equal(0xffffffffff600000UL, m.Start);
        Assert.Equal(0xffffffffff601000UL, m.End);
    }

    [Theory]
    [InlineData("55809df61000-55809df71000 rw-p 00000000 00:00 0 ")]   // as the kernel prints it
    [InlineData("55809df61000-55809df71000 rw-p 00000000 00:00 0")]    // as an editor might trim it
    public void AnonymousLineHasNoPath(string line)
    {
        MemoryMapping m = Parse(line);
        Assert.Null(m.Path);
        Assert.Equal(MemoryMapping.AnonymousName, m.Name);
        Assert.Equal("[anon]", m.Name);
        Assert.False(m.IsFileBacked);
        Assert.False(m.IsPseudo);
        Assert.True(m.IsPrivate);
    }

    [Fact]
    public void SharedMapping()
    {
        MemoryMapping m = Parse("7f0100000000-7f0100200000 rw-s 00000000 00:1a 5                          /dev/shm/ring");
        Assert.True(m.IsShared);
        Assert.False(m.IsPrivate);
        Assert.Equal("rw-s", m.Permissions);
        Assert.Equal("00:1a", m.Device);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00400000-00452000")]
    [InlineData("00400000-00452000 r-xp")]
    [InlineData("00400000-00452000 r-xp 00000000")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 ")]
    [InlineData("0040000g-00452000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-0045z000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xp 0000000q 08:02 1 /x")]
    [InlineData("00452000-00400000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-x 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xpp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 0802 1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 12a /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 -1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 99999999999999999999 /x")]
    [InlineData("10000000000000000-20000000000000000 r-xp 00000000 08:02 1 /x")]
    [InlineData(" 00400000-00452000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 +1 /x")]
    [InlineData("+0400000-00452000 r-xp 00000000 08:02 1 /x")]
    [InlineData("00400000-00452000 r-xp 00000000 08:02 1/x")]
    public void MalformedLineThrowsFormatException(string line)
    {
        Assert.Throws<FormatException>(() => Parse(line));
    }

    [Fact]
    public void EndBelowStartMessageNamesBoth()
    {
        var e = Assert.Throws<FormatException>(() => Parse("00452000-00400000 r-xp 00000000 08:02 1 /x"));
        Assert.Contains("0x400000", e.Message);
        Assert.Contains("0x452000", e.Message);
    }

    [Fact]
    public void ReusesTheStringsOfThePreviousLineWhereTheyAreTheSame()
    {
        var first = MapsLineParser.Parse("7f01331c0000-7f01331e8000 r--p 00000000 08:02 1835278 /usr/lib/libc.so.6"u8, null);
        var second = MapsLineParser.Parse("7f01331e8000-7f013337d000 r-xp 00028000 08:02 1835278 /usr/lib/libc.so.6"u8, first);
        var other = MapsLineParser.Parse("7f013337d000-7f01333d5000 r--p 001bd000 08:03 77 /usr/lib/libm.so.6"u8, second);
        Assert.Same(first.Path, second.Path);
        Assert.Same(first.Device, second.Device);
        Assert.Equal("/usr/lib/libm.so.6", other.Path);
        Assert.Equal("08:03", other.Device);
        Assert.Same(first.Permissions, other.Permissions);
        Assert.Equal("r-xp", second.Permissions);
    }

    [Fact]
    public void KeepsUnusualPermissionTextAsTheKernelWroteIt()
    {
        Assert.Equal("rwxs", MapsLineParser.Parse("00400000-00452000 rwxs 00000000 00:05 9 /dev/zero"u8, null).Permissions);
        Assert.Equal("r?xp", MapsLineParser.Parse("00400000-00452000 r?xp 00000000 00:05 9 /x"u8, null).Permissions);
    }
}
