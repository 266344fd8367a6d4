namespace CowPages.Map;

/// <summary>How the terminal map and the HTML report draw one state, so that both use the same colour.</summary>
public sealed class MapStateStyle
{
    internal MapStateStyle(MapState state, char glyph, char colourGlyph, string? terminalColour, string htmlColour, string meaning)
    {
        State = state;
        Glyph = glyph;
        ColourGlyph = colourGlyph;
        TerminalColour = terminalColour;
        HtmlColour = htmlColour;
        Meaning = meaning;
    }

    public MapState State { get; }

    /// <summary>The state's name, as the objects spell it.</summary>
    public string Name => State.ToString();

    /// <summary>The character of a cell without colour: distinct per state, so that a map in a log file still reads.</summary>
    public char Glyph { get; }

    /// <summary>The character of a cell drawn in colour.</summary>
    public char ColourGlyph { get; }

    /// <summary>
    /// The name of the colour in <c>$PSStyle.Foreground</c> and <c>$PSStyle.Background</c> (Green, BrightBlack, ...);
    /// null for the terminal's own colours.
    /// </summary>
    public string? TerminalColour { get; }

    /// <summary>The same colour for the report, as #rrggbb, close to what terminals show for <see cref="TerminalColour"/>.</summary>
    public string HtmlColour { get; }

    /// <summary>One line on what the state means, for legends.</summary>
    public string Meaning { get; }

    /// <summary>The class the report's CSS colours this state by.</summary>
    public string CssClass => "st-" + Name.ToLowerInvariant();
}
