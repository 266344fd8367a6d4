using System.Collections.Generic;
using System.Linq;
using CowPages.Decoding;
using Xunit;

namespace CowPages.Core.Tests;

// Bit positions are written as literals from fs/proc/task_mmu.c (PM_*), not taken from PagemapWord's
// constants, so a wrong constant fails here instead of agreeing with itself.
public class PagemapWordTests
{
    private const ulong Present = 1UL << 63;
    private const ulong Swapped = 1UL << 62;
    private const ulong MaxFrame = (1UL << 55) - 1;

    [Fact]
    public void PresentAnonymousExclusivePage()
    {
        var word = new PagemapWord((1UL << 63) | (1UL << 56) | 0x12345);
        Assert.True(word.Present);
        Assert.False(word.Swapped);
        Assert.True(word.Exclusive);
        Assert.False(word.FileOrSharedAnon);
        Assert.Equal(0x12345UL, word.Pfn);
        Assert.Equal(0UL, word.SwapOffset);
    }

    [Theory]
    [InlineData(55, nameof(PagemapWord.SoftDirty))]
    [InlineData(56, nameof(PagemapWord.Exclusive))]
    [InlineData(57, nameof(PagemapWord.UffdWriteProtected))]
    [InlineData(58, nameof(PagemapWord.Guard))]
    [InlineData(61, nameof(PagemapWord.FileOrSharedAnon))]
    [InlineData(62, nameof(PagemapWord.Swapped))]
    [InlineData(63, nameof(PagemapWord.Present))]
    public void EachFlagBitSetsOnlyItsOwnProperty(int bit, string property)
    {
        var word = new PagemapWord(1UL << bit);
        foreach ((string name, bool value) in Flags(word))
        {
            Assert.True(value == (name == property), $"bit {bit}: {name} is {value}");
        }
    }

    [Theory]
    [InlineData(59)]
    [InlineData(60)]
    public void UnusedBitsSetNoFlagButStayInRaw(int bit)
    {
        var word = new PagemapWord(1UL << bit);
        Assert.All(Flags(word), f => Assert.False(f.Value, f.Name));
        Assert.True(word.Empty);
        Assert.Equal(1UL << bit, word.Raw);
    }

    public static IEnumerable<object[]> FrameBits() => Enumerable.Range(0, 55).Select(b => new object[] { b });

    [Theory]
    [MemberData(nameof(FrameBits))]
    public void EveryPfnBitReachesPfn(int bit)
    {
        var word = new PagemapWord(Present | (1UL << bit));
        Assert.Equal(1UL << bit, word.Pfn);
        // A present page never has a swap slot, whatever its low bits say.
        Assert.Equal(0u, word.SwapType);
        Assert.Equal(0UL, word.SwapOffset);
        Assert.False(word.SoftDirty);
    }

    [Theory]
    [MemberData(nameof(FrameBits))]
    public void EverySwapBitReachesTypeOrOffset(int bit)
    {
        var word = new PagemapWord(Swapped | (1UL << bit));
        // MAX_SWAPFILES_SHIFT is 5: type in bits 0-4, offset in bits 5-54.
        uint expectedType = bit < 5 ? 1u << bit : 0;
        ulong expectedOffset = bit < 5 ? 0 : 1UL << (bit - 5);
        Assert.Equal(expectedType, word.SwapType);
        Assert.Equal(expectedOffset, word.SwapOffset);
        Assert.Equal(0UL, word.Pfn);
    }

    [Fact]
    public void FlagBitsDoNotLeakIntoPfn()
    {
        var word = new PagemapWord(Present | (1UL << 61) | (1UL << 58) | (1UL << 57) | (1UL << 56) | (1UL << 55) | 7);
        Assert.Equal(7UL, word.Pfn);
    }

    [Fact]
    public void ZeroPageIsPresentSharedAndNotFile()
    {
        // The shared zero page: present, not PM_FILE, not exclusive (many PTEs map it).
        const ulong zeroPfn = 0x2a0c;
        var word = new PagemapWord(Present | zeroPfn);
        Assert.True(word.Present);
        Assert.False(word.FileOrSharedAnon);
        Assert.False(word.Exclusive);
        Assert.False(word.Empty);
        Assert.Equal(zeroPfn, word.Pfn);
    }

    [Fact]
    public void UnprivilegedPresentPageHasPfnZero()
    {
        // Since 4.2 the kernel zeroes bits 0-54 for readers without CAP_SYS_ADMIN.
        var word = new PagemapWord(Present | (1UL << 56));
        Assert.True(word.Present);
        Assert.True(word.Exclusive);
        Assert.Equal(0UL, word.Pfn);
    }

    [Fact]
    public void SoftDirtyDoesNotDisturbPfn()
    {
        var word = new PagemapWord(Present | (1UL << 55) | 0x4242);
        Assert.True(word.SoftDirty);
        Assert.Equal(0x4242UL, word.Pfn);
    }

    [Fact]
    public void RootGuardEntryDecodesMarkerTypeAndOffset()
    {
        var word = new PagemapWord(0x440000000000009fUL);
        Assert.True(word.Swapped);
        Assert.True(word.Guard);
        Assert.False(word.Present);
        Assert.False(word.Empty);
        // 0x9f: type 0x1f (the PTE-marker swap type), offset 0x9f >> 5 = 4.
        Assert.Equal(0x1fu, word.SwapType);
        Assert.Equal(4UL, word.SwapOffset);
    }

    [Fact]
    public void UnprivilegedGuardEntryHasNoFrameBits()
    {
        var word = new PagemapWord(0x4400000000000000UL);
        Assert.True(word.Swapped);
        Assert.True(word.Guard);
        Assert.False(word.Present);
        Assert.Equal(0u, word.SwapType);
        Assert.Equal(0UL, word.SwapOffset);
    }

    [Fact]
    public void UffdWriteProtectedPresentPage()
    {
        var word = new PagemapWord(Present | (1UL << 57) | 0x99);
        Assert.True(word.UffdWriteProtected);
        Assert.Equal(0x99UL, word.Pfn);
    }

    [Fact]
    public void UffdWriteProtectMarkerIsSwappedNotPresent()
    {
        // An empty PTE carrying a uffd-wp marker reports PM_SWAP | PM_UFFD_WP.
        var word = new PagemapWord(Swapped | (1UL << 57));
        Assert.True(word.UffdWriteProtected);
        Assert.True(word.Swapped);
        Assert.False(word.Empty);
        Assert.Equal(0UL, word.Pfn);
    }

    [Fact]
    public void SwapEntryTypeThreeOffset0x1234()
    {
        const ulong raw = (1UL << 62) | (0x1234UL << 5) | 3;
        var word = new PagemapWord(raw);
        Assert.True(word.Swapped);
        Assert.False(word.Present);
        Assert.Equal(3u, word.SwapType);
        Assert.Equal(0x1234UL, word.SwapOffset);
        Assert.Equal(0UL, word.Pfn);
        Assert.Equal(raw, word.Raw);
    }

    [Fact]
    public void MaximalPfn()
    {
        var word = new PagemapWord(Present | MaxFrame);
        Assert.Equal((1UL << 55) - 1, word.Pfn);
        Assert.False(word.SoftDirty);
    }

    [Fact]
    public void MaximalSwapOffset()
    {
        var word = new PagemapWord(Swapped | MaxFrame);
        Assert.Equal(31u, word.SwapType);
        Assert.Equal((1UL << 50) - 1, word.SwapOffset);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x8100000000012345UL)]
    [InlineData(0x440000000000009fUL)]
    public void RawKeepsEveryBit(ulong raw)
    {
        var word = new PagemapWord(raw);
        Assert.Equal(raw, word.Raw);
        Assert.Equal($"0x{raw:X16}", word.ToString());
    }

    [Theory]
    [InlineData(0UL, true)]
    [InlineData(1UL << 55, true)]   // soft-dirty alone on an unmapped page: still a hole
    [InlineData(1UL << 61, true)]
    [InlineData(0x12345UL, true)]   // stray frame bits do not make a page
    [InlineData(1UL << 63, false)]
    [InlineData(1UL << 62, false)]
    public void EmptyMeansNeitherPresentNorSwapped(ulong raw, bool empty)
    {
        var word = new PagemapWord(raw);
        Assert.Equal(empty, word.Empty);
        if (empty)
        {
            Assert.Equal(0UL, word.Pfn);
            Assert.Equal(0u, word.SwapType);
            Assert.Equal(0UL, word.SwapOffset);
        }
    }

    [Fact]
    public void DefaultWordIsEmpty()
    {
        PagemapWord word = default;
        Assert.True(word.Empty);
        Assert.Equal(0UL, word.Raw);
    }

    private static (string Name, bool Value)[] Flags(PagemapWord w) =>
    [
        (nameof(w.SoftDirty), w.SoftDirty),
        (nameof(w.Exclusive), w.Exclusive),
        (nameof(w.UffdWriteProtected), w.UffdWriteProtected),
        (nameof(w.Guard), w.Guard),
        (nameof(w.FileOrSharedAnon), w.FileOrSharedAnon),
        (nameof(w.Swapped), w.Swapped),
        (nameof(w.Present), w.Present),
    ];
}
