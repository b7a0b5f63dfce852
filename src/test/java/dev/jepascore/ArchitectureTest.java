package dev.jepascore;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package layout docs/architecture.md describes, checked on the compiled main classes (of whichever binding this
 * build adds): one package per stage, no cycle among them, nothing importing the entry points, and the rules the
 * layout keeps ("decoding knows no ONNX and no scoring", ...). A class that breaks one is named with the dependency
 * that breaks it.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.jepascore");

    @Test
    void stages_depend_on_one_another_without_a_cycle() {
        slices().matching("dev.jepascore.(*)..").namingSlices("$1").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void nothing_below_the_entry_points_imports_them() {
        noClasses().that().resideOutsideOfPackage("dev.jepascore.function..")
                .should().dependOnClassesThat().resideInAPackage("dev.jepascore.function..").check(MAIN);
    }

    @Test
    void only_the_model_runtime_touches_onnx_runtime() {
        noClasses().that().resideOutsideOfPackage("dev.jepascore.model..")
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..").check(MAIN);
    }

    @Test
    void result_records_know_nothing_of_scoring_jobs_or_actions() {
        noClasses().that().resideInAPackage("dev.jepascore.result..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jepascore.score..", "dev.jepascore.job..",
                        "dev.jepascore.action..", "dev.jepascore.model..", "dev.jepascore.image..")
                .check(MAIN);
    }

    @Test
    void scoring_knows_no_transport_storage_or_storage_events() {
        noClasses().that().resideInAPackage("dev.jepascore.score..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jepascore.event..", "dev.jepascore.storage..",
                        "dev.jepascore.job..", "dev.jepascore.action..")
                .check(MAIN);
    }

    @Test
    void decoding_knows_no_onnx_and_no_scoring() {
        noClasses().that().resideInAPackage("dev.jepascore.image..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jepascore.model..", "dev.jepascore.score..")
                .check(MAIN);
    }

    @Test
    void event_parsing_reads_nothing_and_storage_knows_no_scoring() {
        noClasses().that().resideInAPackage("dev.jepascore.event..")
                .should().dependOnClassesThat().resideInAPackage("dev.jepascore.storage..").check(MAIN);
        noClasses().that().resideInAPackage("dev.jepascore.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jepascore.image..", "dev.jepascore.model..",
                        "dev.jepascore.score..")
                .check(MAIN);
    }

    @Test
    void the_report_reads_documents_and_never_scores() {
        noClasses().that().resideInAPackage("dev.jepascore.report..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jepascore.score..", "dev.jepascore.job..")
                .check(MAIN);
    }
}
