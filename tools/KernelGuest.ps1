# Runs inside a kernel-matrix guest (tools/KernelMatrix.ps1 writes the guest.sh that starts it): first captures the
# kernel's raw words for the fixture family (tools/Save-KernelFacts.ps1) into RUN/facts, then runs the Pester tests
# tagged Kernel (tools/PesterTest.ps1). One pwsh for both, since starting pwsh is the slowest part under emulation.
param(
    [Parameter(Mandatory)][string]$PesterPath,
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$RunDirectory
)
$ProgressPreference = 'SilentlyContinue'
try {
    & (Join-Path $PSScriptRoot 'Save-KernelFacts.ps1') -OutputPath (Join-Path $RunDirectory 'facts')
}
catch {
    # The facts are for the unit tests' data; the tests below still decide whether this kernel passes.
    Write-Host "Could not capture the kernel's facts: $_"
}
& (Join-Path $PSScriptRoot 'PesterTest.ps1') -PesterPath $PesterPath -ModulePath $ModulePath `
    -SummaryPath (Join-Path $RunDirectory 'summary.json') -Tag Kernel
