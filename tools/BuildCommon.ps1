# The tasks behind build.ps1. Dot-sourced; every function writes progress to the host and throws on failure.

$script:RepoRoot = Split-Path -Parent $PSScriptRoot
$script:OutDir = Join-Path $script:RepoRoot 'out'
$script:ModuleName = 'CowPages'

. "$PSScriptRoot/KernelMatrix.ps1"

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $script:RepoRoot "$script:ModuleName.psd1")).ModuleVersion
}

function Invoke-Native {
    # Runs a native command and throws if it fails, so that a broken step never passes silently.
    param([string]$FilePath, [string[]]$ArgumentList)
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Clean {
    Remove-Item -Recurse -Force $script:OutDir -ErrorAction SilentlyContinue
    Get-ChildItem -Path (Join-Path $script:RepoRoot 'src'), (Join-Path $script:RepoRoot 'tests') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force
}

function Invoke-Build {
    # Returns the path of the built module's version folder.
    param([string]$Configuration)

    $version = Get-ModuleVersion
    $moduleDir = Join-Path $script:OutDir "$script:ModuleName/$version"
    Remove-Item -Recurse -Force (Join-Path $script:OutDir $script:ModuleName) -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force $moduleDir

    Write-Host "Building $script:ModuleName $version ($Configuration)" -ForegroundColor Cyan
    Invoke-Native dotnet @('publish', (Join-Path $script:RepoRoot 'src/CowPages/CowPages.csproj'),
        '--configuration', $Configuration, '--output', $moduleDir, "-p:Version=$version", '--nologo', '-v', 'quiet')
    Get-ChildItem $moduleDir -Filter '*.deps.json' | Remove-Item
    if ($Configuration -eq 'Release') {
        Get-ChildItem $moduleDir -Filter '*.pdb' | Remove-Item
    }
    Copy-Item (Join-Path $script:RepoRoot "$script:ModuleName.psd1") $moduleDir
    Copy-Item (Join-Path $script:RepoRoot 'src/CowPages/*.ps1xml') $moduleDir

    $converter = Join-Path $PSScriptRoot 'ConvertTo-Maml.ps1'
    if (Test-Path $converter) {
        & $converter -Path (Join-Path $script:RepoRoot 'docs/en-US') -OutputPath (Join-Path $moduleDir 'en-US')
    }

    Build-Fixtures
    $moduleDir
}

function Build-Fixtures {
    $fixtureDir = Join-Path $script:OutDir 'fixtures'
    $null = New-Item -ItemType Directory -Force $fixtureDir
    foreach ($source in Get-ChildItem (Join-Path $script:RepoRoot 'tests/fixtures') -Filter '*.c') {
        $binary = Join-Path $fixtureDir $source.BaseName
        Invoke-Native cc @('-O2', '-Wall', '-Wextra', '-Werror', '-o', $binary, $source.FullName)
    }
}

function Get-PesterModulePath {
    # Pester comes from NuGet through tools/Pester.proj's PackageDownload item.
    Invoke-Native dotnet @('restore', (Join-Path $PSScriptRoot 'Pester.proj'), '--nologo', '-v', 'quiet')
    $version = ([xml](Get-Content (Join-Path $PSScriptRoot 'Pester.proj'))).Project.ItemGroup.PackageDownload.Version.Trim('[', ']')
    $root = $env:NUGET_PACKAGES
    if (-not $root) {
        $root = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $path = Join-Path $root "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $path)) {
        throw "Pester $version was restored but $path does not exist."
    }
    $path
}

function Test-BenchmarkBuild {
    # Compiles the BenchmarkDotNet project without running it. Nothing else references it, so a change to the core's
    # API broke it unnoticed once; compiling it here makes such a change fail the tests. It reuses the core that the
    # module build just compiled, so this costs a few seconds. Returns $true when it compiled.
    param([string]$Configuration)

    Write-Host 'Compiling the core benchmarks (not running them)' -ForegroundColor Cyan
    & dotnet build (Join-Path $script:RepoRoot 'tests/CowPages.Core.Benchmarks/CowPages.Core.Benchmarks.csproj') `
        --configuration $Configuration --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) {
        Write-Host "The benchmarks in tests/CowPages.Core.Benchmarks do not compile (exit code $LASTEXITCODE)." -ForegroundColor Red
        return $false
    }
    $true
}

function Invoke-XunitTests {
    # Returns @{ Passed; Failed }.
    param([string]$Configuration)

    $results = Join-Path $script:OutDir 'TestResults'
    $trx = Join-Path $results 'xunit.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    Write-Host 'Running xunit tests of CowPages.Core' -ForegroundColor Cyan
    & dotnet test (Join-Path $script:RepoRoot 'tests/CowPages.Core.Tests/CowPages.Core.Tests.csproj') `
        --configuration $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $trx)) {
        throw "dotnet test wrote no results (exit code $LASTEXITCODE)."
    }
    $exitCode = $LASTEXITCODE
    $counters = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ($exitCode -ne 0 -and $failed -eq 0) {
        # A crashed or aborted test host leaves the tests it never ran out of every counter: count the run as failed.
        Write-Host "dotnet test exited with $exitCode although no test failed: the test run was aborted." -ForegroundColor Red
        $failed = 1
    }
    @{ Passed = [int]$counters.passed; Failed = $failed }
}

function Invoke-PesterTests {
    # Runs Pester in a child pwsh, so that the module loads fresh from out/. Returns @{ Passed; Failed }.
    param([string]$ModulePath)

    $pester = Get-PesterModulePath
    $summary = Join-Path $script:OutDir 'TestResults/pester-summary.json'
    Remove-Item $summary -ErrorAction SilentlyContinue
    Write-Host 'Running Pester tests against the built module' -ForegroundColor Cyan
    Push-Location $script:RepoRoot
    try {
        & dotnet tool run pwsh -- -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'PesterTest.ps1') `
            -PesterPath $pester -ModulePath $ModulePath -SummaryPath $summary | Out-Host
    }
    finally {
        Pop-Location
    }
    if (-not (Test-Path $summary)) {
        throw "Pester wrote no summary (exit code $LASTEXITCODE)."
    }
    $counts = Get-Content $summary | ConvertFrom-Json
    @{ Passed = [int]$counts.Passed; Failed = [int]$counts.Failed }
}

function Install-BrowserForTests {
    # The report's browser test needs chromium; a failed install leaves that test skipped, with its reason, not the run.
    . (Join-Path $PSScriptRoot 'Chromium.ps1')
    try {
        $null = Install-Chromium
    }
    catch {
        Write-Host "Could not install chromium, so the browser test will be skipped: $_" -ForegroundColor Red
    }
}

function Invoke-Test {
    # Returns the process exit code: 0 only when every test passed. -KernelMatrix (CI) adds the kernel matrix.
    param([string]$Configuration, [string]$ModulePath, [switch]$KernelMatrix)

    # A benchmark that does not compile counts as one failure, after the tests have still run and told their results.
    $benchmarksBuilt = Test-BenchmarkBuild -Configuration $Configuration
    $xunit = Invoke-XunitTests -Configuration $Configuration
    Install-BrowserForTests
    $pester = Invoke-PesterTests -ModulePath $ModulePath
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $parts = @("xunit: $($xunit.Passed) passed, $($xunit.Failed) failed", "Pester: $($pester.Passed) passed, $($pester.Failed) failed")
    if (-not $benchmarksBuilt) {
        $failed += 1
        $parts += 'benchmarks: do not compile'
    }
    $matrixNote = ''
    if ($KernelMatrix) {
        foreach ($k in Invoke-KernelTest -ModulePath $ModulePath) {
            $parts += "kernel $($k.Name): $($k.Passed) passed, $($k.Failed) failed"
            $passed += $k.Passed
            $failed += $k.Failed
        }
    }
    else {
        $matrixNote = ', kernel matrix skipped: run -Task KernelTest'
    }
    Write-Host ($parts -join '; ')
    Write-Host "$passed passed, $failed failed$matrixNote"
    if ($failed -gt 0 -or $passed -eq 0) { 1 } else { 0 }
}
