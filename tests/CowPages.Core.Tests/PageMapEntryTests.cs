using CowPages.Decoding;
using Xunit;

namespace CowPages.Core.Tests;

// PageMapEntry decides what a user may believe: hidden or meaningless frame fields must be null, not 0,
// because PFN 0 and swap slot 0 are real values.
public class PageMapEntryTests
{
    private static readonly MemoryMapping Heap =
        new(0x5580abf3d000, 0x5580abf5e000, "rw-p", 0, "00:00", 0, "[heap]", false);

    private static PageMapEntry Entry(ulong raw, bool framesVisible, MemoryMapping? mapping = null) =>
        new(42, 0x5580abf3d000, new PagemapWord(raw), mapping ?? Heap, framesVisible);

    [Fact]
    public void PresentPageWithHiddenFramesHasNullPfn()
    {
        PageMapEntry e = Entry((1UL << 63) | 0x1234, framesVisible: false);
        Assert.True(e.Present);
        Assert.Null(e.Pfn);
        Assert.Null(e.SwapType);
        Assert.Null(e.SwapOffset);
    }

    [Fact]
    public void SwappedPageWithHiddenFramesHasNullSwapFields()
    {
        PageMapEntry e = Entry((1UL << 62) | (0x1234UL << 5) | 3, framesVisible: false);
        Assert.True(e.Swapped);
        Assert.Null(e.Pfn);
        Assert.Null(e.SwapType);
        Assert.Null(e.SwapOffset);
    }

    [Fact]
    public void PresentPageWithVisibleFramesHasPfnOnly()
    {
        PageMapEntry e = Entry((1UL << 63) | 0x1234, framesVisible: true);
        Assert.Equal(0x1234UL, e.Pfn);
        Assert.Null(e.SwapType);
        Assert.Null(e.SwapOffset);
    }

    [Fact]
    public void VisiblePfnZeroIsKeptNotNull()
    {
        PageMapEntry e = Entry(1UL << 63, framesVisible: true);
        Assert.Equal(0UL, e.Pfn);
    }

    [Fact]
    public void SwappedPageWithVisibleFramesHasSwapFieldsOnly()
    {
        PageMapEntry e = Entry((1UL << 62) | (0x1234UL << 5) | 3, framesVisible: true);
        Assert.Null(e.Pfn);
        Assert.Equal(3u, e.SwapType);
        Assert.Equal(0x1234UL, e.SwapOffset);
    }

    [Theory]
    [InlineData(0x440000000000009fUL)]
    [InlineData(0x4400000000000000UL)]
    public void GuardEntryHasNoSwapSlot(ulong raw)
    {
        // A guard marker is a PTE marker, not a swap slot; its "type" and "offset" are marker encoding.
        PageMapEntry e = Entry(raw, framesVisible: true);
        Assert.True(e.Guard);
        Assert.True(e.Swapped);
        Assert.Null(e.SwapType);
        Assert.Null(e.SwapOffset);
        Assert.Null(e.Pfn);
    }

    [Fact]
    public void EmptyPageHasNoFrameFields()
    {
        PageMapEntry e = Entry(0, framesVisible: true);
        Assert.False(e.Present);
        Assert.False(e.Swapped);
        Assert.Null(e.Pfn);
        Assert.Null(e.SwapType);
    }

    [Fact]
    public void FlagsAndRawCopiedFromWord()
    {
        const ulong raw = (1UL << 63) | (1UL << 61) | (1UL << 57) | (1UL << 56) | (1UL << 55) | 5;
        PageMapEntry e = Entry(raw, framesVisible: true);
        Assert.Equal(raw, e.Raw);
        Assert.True(e.SoftDirty);
        Assert.True(e.Exclusive);
        Assert.True(e.UffdWriteProtected);
        Assert.True(e.FileOrSharedAnon);
        Assert.False(e.Guard);
        Assert.Equal(42, e.ProcessId);
        Assert.Equal(0x5580abf3d000UL, e.Address);
    }

    [Fact]
    public void MappingAndPermissionsComeFromTheMapping()
    {
        var shm = new MemoryMapping(0x7f0000000000, 0x7f0000001000, "rw-s", 0, "00:01", 77, "/memfd:x", true);
        PageMapEntry e = Entry(1UL << 63, framesVisible: false, shm);
        Assert.Equal("/memfd:x", e.Mapping);
        Assert.Equal("rw-s", e.Permissions);

        PageMapEntry anon = Entry(1UL << 63, framesVisible: false,
            new MemoryMapping(0x1000, 0x2000, "r--p", 0, "00:00", 0, null, false));
        Assert.Equal("[anon]", anon.Mapping);
        Assert.Equal("r--p", anon.Permissions);
    }
}
