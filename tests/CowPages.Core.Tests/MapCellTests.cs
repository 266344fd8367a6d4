using System.Linq;
using CowPages.Map;
using Xunit;

namespace CowPages.Core.Tests;

public class MapCellTests
{
    [Fact]
    public void OneCopiedPageInAHugePageStaysVisible()
    {
        var cell = new MapCell { Counts = new ForkStateCounts { Shared = 511, Copied = 1 } };
        Assert.Equal(new MapLook(MapState.Shared, 1), cell.Look);
        Assert.True(cell.Look.PartlyCopied);
        Assert.Equal(('+', ""), MapTextStyle.Plain.Draw(cell.Look));
    }

    [Fact]
    public void CopiesAreDrawnInEighthsRoundedUp()
    {
        Assert.Equal(4, new MapCell { Counts = new ForkStateCounts { Shared = 8, Copied = 8 } }.Look.CopiedEighths);
        Assert.Equal(5, new MapCell { Counts = new ForkStateCounts { Shared = 7, Copied = 9 } }.Look.CopiedEighths);
        Assert.Equal(8, new MapCell { Counts = new ForkStateCounts { Shared = 1, Copied = 15 } }.Look.CopiedEighths);
        Assert.Equal(0, new MapCell { Counts = new ForkStateCounts { Shared = 16 } }.Look.CopiedEighths);
    }

    [Fact]
    public void TheFillIsTheCommonestStateBesidesCopies()
    {
        Assert.Equal(MapState.NotPresent, new MapCell { Counts = new ForkStateCounts { Shared = 3, NotPresent = 5, Copied = 8 } }.Look.Fill);
        Assert.Equal(MapState.Copied, new MapCell { Counts = new ForkStateCounts { Copied = 4 } }.Look.Fill);
        Assert.Equal(MapState.NotCompared, new MapCell { NotCompared = 9, Counts = new ForkStateCounts { Zero = 2 } }.Look.Fill);
        Assert.Equal(MapState.Copied, new MapCell { Counts = new ForkStateCounts { Shared = 1, Copied = 15 } }.Look.Dominant);
    }

    [Fact]
    public void EveryStateHasItsOwnCharacterAndColour()
    {
        var glyphs = MapPalette.States.Select(s => s.Glyph).Append(MapPalette.PartlyCopiedGlyph).ToList();
        Assert.Equal(glyphs.Count, glyphs.Distinct().Count());
        Assert.Equal(MapPalette.States.Count, MapPalette.States.Select(s => s.HtmlColour).Distinct().Count());
        Assert.Equal(MapPalette.States.Count - 1, MapPalette.States.Where(s => s.TerminalColour is not null).Select(s => s.TerminalColour).Distinct().Count());
        Assert.All(MapPalette.States, s => Assert.Equal(s.State, MapPalette.Of(s.State).State));
    }

    [Fact]
    public void MapStatesConvertFromPageStatesByValue()
    {
        foreach (ForkPageState state in System.Enum.GetValues<ForkPageState>())
        {
            Assert.Equal(state.ToString(), ((MapState)state).ToString());
        }
    }

    [Fact]
    public void ColouredCellsUseTheStyleSequencesAndLowerBlocksForPartialCopies()
    {
        MapTextStyle style = MapTextStyle.Colour(name => $"<fg {name}>", name => $"<bg {name}>", "<reset>");
        Assert.Equal(('█', "<fg Green>"), style.Draw(new MapLook(MapState.Shared, 0)));
        Assert.Equal(('▁', "<fg Red><bg Green>"), style.Draw(new MapLook(MapState.Shared, 1)));
        Assert.Equal(('▄', "<fg Red><bg BrightBlack>"), style.Draw(new MapLook(MapState.NotPresent, 4)));
        Assert.Equal(('█', "<fg Red>"), style.Draw(new MapLook(MapState.Shared, 8)));
        Assert.Equal(('▇', "<fg Red>"), style.Draw(new MapLook(MapState.NotCompared, 7)));
    }
}
