from django.urls import path

from manage.views import pipeline as pipeline_views

urlpatterns = [
    path("loops/", pipeline_views.loop_list_view, name="manage-loops"),
    path("loops/<int:pk>/pipeline/", pipeline_views.loop_pipeline_view, name="manage-loop-pipeline"),
    path("loops/<int:pk>/calibration/", pipeline_views.loop_calibration_view, name="manage-loop-calibration"),
]
