using System;
using System.Linq;
using Xunit;

namespace CowPages.Core.Tests;

// The enum is cast straight from /proc/kpageflags words, so each member must sit on the kernel's bit.
public class PageFlagsTests
{
    // KPF_* from include/uapi/linux/kernel-page-flags.h (0-26) and include/linux/kernel-page-flags.h (32-42).
    public static readonly TheoryData<PageFlags, int> KernelBits = new()
    {
        { PageFlags.Locked, 0 },
        { PageFlags.Error, 1 },
        { PageFlags.Referenced, 2 },
        { PageFlags.Uptodate, 3 },
        { PageFlags.Dirty, 4 },
        { PageFlags.Lru, 5 },
        { PageFlags.Active, 6 },
        { PageFlags.Slab, 7 },
        { PageFlags.Writeback, 8 },
        { PageFlags.Reclaim, 9 },
        { PageFlags.Buddy, 10 },
        { PageFlags.Mmap, 11 },
        { PageFlags.Anon, 12 },
        { PageFlags.SwapCache, 13 },
        { PageFlags.SwapBacked, 14 },
        { PageFlags.CompoundHead, 15 },
        { PageFlags.CompoundTail, 16 },
        { PageFlags.Huge, 17 },
        { PageFlags.Unevictable, 18 },
        { PageFlags.HWPoison, 19 },
        { PageFlags.NoPage, 20 },
        { PageFlags.Ksm, 21 },
        { PageFlags.Thp, 22 },
        { PageFlags.Offline, 23 },
        { PageFlags.ZeroPage, 24 },
        { PageFlags.Idle, 25 },
        { PageFlags.PgTable, 26 },
        { PageFlags.Reserved, 32 },
        { PageFlags.Mlocked, 33 },
        { PageFlags.Owner2, 34 },
        { PageFlags.Private, 35 },
        { PageFlags.Private2, 36 },
        { PageFlags.OwnerPrivate, 37 },
        { PageFlags.Arch, 38 },
        { PageFlags.Uncached, 39 },
        { PageFlags.SoftDirty, 40 },
        { PageFlags.Arch2, 41 },
        { PageFlags.Arch3, 42 },
    };

    [Theory]
    [MemberData(nameof(KernelBits))]
    public void MemberSitsOnKernelBit(PageFlags flag, int bit)
    {
        Assert.Equal(1UL << bit, (ulong)flag);
    }

    [Fact]
    public void EveryNamedMemberIsCheckedAgainstTheKernel()
    {
        // A member added without a kernel bit in the table above would otherwise go unchecked.
        var checkedFlags = KernelBits.Select(row => (PageFlags)row[0]).ToHashSet();
        var named = Enum.GetValues<PageFlags>().Where(f => f != PageFlags.None).ToHashSet();
        Assert.Equal(named.OrderBy(f => f), checkedFlags.OrderBy(f => f));
    }

    [Fact]
    public void UnknownBitSurvivesCastRoundTrip()
    {
        const ulong word = (1UL << 50) | (1UL << 12);
        var flags = (PageFlags)word;
        Assert.Equal(word, (ulong)flags);
        Assert.True(flags.HasFlag(PageFlags.Anon));
        Assert.Equal(word, (ulong)new FrameInfo { Flags = word }.PageFlags);
    }

    [Fact]
    public void ZeroPageWordDecodes()
    {
        // What /proc/kpageflags reports for the shared zero page on 6.x.
        Assert.Equal(PageFlags.ZeroPage | PageFlags.Reserved, (PageFlags)0x101000000UL);
    }

    [Theory]
    [InlineData(PageFlags.None, false)]
    [InlineData(PageFlags.Anon, false)]
    [InlineData(PageFlags.Owner2, false)]
    [InlineData(PageFlags.Anon | PageFlags.Owner2, true)]
    [InlineData(PageFlags.Anon | PageFlags.Owner2 | PageFlags.Lru | PageFlags.Mmap, true)]
    [InlineData(PageFlags.Owner2 | PageFlags.Mmap | PageFlags.Lru, false)]   // a file page's MAPPEDTODISK
    [InlineData(PageFlags.Anon | PageFlags.Ksm, false)]
    public void AnonExclusiveNeedsAnonAndOwner2(PageFlags flags, bool expected)
    {
        var frame = new PageFrame(1, flags, 1, null, null, null);
        Assert.Equal(expected, frame.AnonExclusive);
    }
}
